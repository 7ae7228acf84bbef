// Command leida is the Leida service: serve, migrate, bootstrap, seed, sign.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"leida/adapters/config"
	leidahttp "leida/adapters/http"
	"leida/adapters/postgres"
	appai "leida/application/ai"
	"leida/application/auth"
	"leida/domain/errs"
)

const usage = `usage: leida <command> [flags]

commands:
  serve [--no-migrate]                 apply pending migrations, then serve HTTP until SIGINT/SIGTERM
  migrate up|down|status               manage the database schema
  bootstrap --company C --username U --password P
                                       create built-in roles, the company and a platform admin if absent
  seed --demo                          load the demo data set (once)
  sign --user-id N [--customer]        print signed query parameters for that principal
  ai train [--company N]               train the AI close probability (every company, or one) and rescore
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "leida:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("missing command")
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	debug.SetGCPercent(cfg.GCPercent)
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log, args[1:])
	case "migrate":
		return migrate(ctx, cfg, args[1:], stdout)
	case "bootstrap":
		return bootstrap(ctx, cfg, log, args[1:], stdout)
	case "seed":
		return seed(ctx, cfg, log, args[1:], stdout)
	case "sign":
		return sign(ctx, cfg, args[1:], stdout)
	case "ai":
		return aiCommand(ctx, cfg, log, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	noMigrate := fs.Bool("no-migrate", false, "do not apply pending migrations")
	if err := fs.Parse(args); err != nil {
		return err
	}
	warnUnconfigured(cfg, log)
	if err := os.MkdirAll(cfg.MediaRoot, 0o755); err != nil {
		return fmt.Errorf("MEDIA_ROOT: %w", err)
	}
	// Nothing here needs the database: connections are made on first use,
	// so a database that is down is a 503 per request, not a failed start.
	app, cleanup, err := initApp(cfg, log)
	if err != nil {
		return err
	}
	defer cleanup()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var prepared chan error // stays nil (never ready to receive) with --no-migrate
	if *noMigrate {
		go maintainAI(ctx, app.AI, log)
	} else {
		prepared = make(chan error, 1)
		// Listen at once, but answer 503 (/healthz excepted) until the
		// database is reachable and migrated: a restart during an outage
		// comes up and recovers by itself.
		gate := leidahttp.NewGate("database not migrated yet")
		app.Server.Use(gate.Middleware())
		go func() {
			err := prepareDatabase(ctx, cfg, app.DB, gate, log)
			if err == nil {
				gate.Open()
			}
			prepared <- err
		}()
	}
	srv := &http.Server{
		Addr:              cfg.HTTPAddr,
		Handler:           app.Server,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("serving", "addr", cfg.HTTPAddr, "request_timeout", cfg.RequestTimeout.String(),
		"statement_timeout", cfg.StatementTimeout.String())
	for done := false; !done; {
		select {
		case err := <-errc:
			return err
		case err := <-prepared:
			if err != nil && ctx.Err() == nil {
				// Not an outage (a migration that fails, a bad TIME_ZONE):
				// waiting would not help.
				shutdown(srv, log)
				return err
			}
			if err == nil {
				log.Info("ready")
				go maintainAI(ctx, app.AI, log)
			}
		case <-ctx.Done():
			done = true
		}
	}
	return shutdown(srv, log)
}

// shutdown drains in-flight requests (30 s at most).
func shutdown(srv *http.Server, log *slog.Logger) error {
	log.Info("shutting down: draining in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// Backoff of the start-up's database retries.
const (
	prepareFirstRetry = 250 * time.Millisecond
	prepareMaxRetry   = time.Second
)

// prepareDatabase creates the database when missing and applies pending
// migrations, retrying with backoff while the database is unavailable
// (logging why); any other failure is returned.
func prepareDatabase(ctx context.Context, cfg config.Config, db *postgres.DB, gate *leidahttp.Gate, log *slog.Logger) error {
	backoff := prepareFirstRetry
	for attempt := 1; ; attempt++ {
		err := migrateUp(ctx, cfg, db, log)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !errs.IsKind(err, errs.KindUnavailable) {
			return err
		}
		gate.SetReason("database unavailable, migrations not applied yet")
		log.Warn("database unavailable: serving 503 until it answers and its migrations are applied; retrying",
			"error", err.Error(), "attempt", attempt, "retry_in_ms", backoff.Milliseconds())
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, prepareMaxRetry)
	}
}

func migrateUp(ctx context.Context, cfg config.Config, db *postgres.DB, log *slog.Logger) error {
	if created, err := postgres.EnsureDatabase(ctx, cfg.DatabaseURL); err != nil {
		return err
	} else if created {
		log.Info("database created")
	}
	n, err := db.MigrateUp(ctx)
	if err != nil {
		return err
	}
	log.Info("migrations applied", "count", n)
	return nil
}

// warnUnconfigured says at start-up which WeChat features cannot work.
func warnUnconfigured(cfg config.Config, log *slog.Logger) {
	if cfg.WechatAppID == "" || cfg.WechatAppSecret == "" {
		log.Warn("WeChat mini-program not configured (WECHAT_APP_ID, WECHAT_APP_SECRET): "+
			"the mini-program login (E30) answers 503 微信服务未配置; card QR codes (E48) are generated locally",
			"app_id_set", cfg.WechatAppID != "", "app_secret_set", cfg.WechatAppSecret != "")
	}
	if cfg.WecomCorpID == "" || cfg.WecomSecret == "" {
		log.Warn("WeCom not configured (WECOM_CORP_ID, WECOM_SECRET): the WeCom login (E29) answers 503 微信服务未配置",
			"corp_id_set", cfg.WecomCorpID != "", "secret_set", cfg.WecomSecret != "")
	}
}

func migrate(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: leida migrate up|down|status")
	}
	if args[0] == "up" {
		if _, err := postgres.EnsureDatabase(ctx, cfg.DatabaseURL); err != nil {
			return err
		}
	}
	db, cleanup, err := initStore(cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	switch args[0] {
	case "up":
		n, err := db.MigrateUp(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "applied %d migration(s)\n", n)
	case "down":
		if err := db.MigrateDown(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "rolled back one migration")
	case "status":
		st, err := db.MigrationStatuses(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			fmt.Fprintf(stdout, "%05d %-8s %s\n", s.Version, state, s.Source)
		}
	default:
		return errors.New("usage: leida migrate up|down|status")
	}
	return nil
}

func bootstrap(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bootstrap", flag.ContinueOnError)
	company := fs.String("company", "", "company name")
	username := fs.String("username", "", "platform admin's login name")
	password := fs.String("password", "", "platform admin's password")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.StatementTimeout = 0 // a one-shot command: no statement deadline
	app, cleanup, err := initApp(cfg, log)
	if err != nil {
		return err
	}
	defer cleanup()
	if _, err := app.DB.MigrateUp(ctx); err != nil {
		return err
	}
	res, err := app.Bootstrap.Bootstrap(ctx, *company, *username, *password)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(map[string]any{"company_id": res.CompanyID, "user_id": res.UserID, "token": res.Token})
}

func seed(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	isDemo := fs.Bool("demo", false, "load the demo data set")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*isDemo {
		return errors.New("usage: leida seed --demo")
	}
	cfg.StatementTimeout = 0 // a one-shot command: no statement deadline
	app, cleanup, err := initApp(cfg, log)
	if err != nil {
		return err
	}
	defer cleanup()
	if _, err := app.DB.MigrateUp(ctx); err != nil {
		return err
	}
	wrote, err := app.Demo.Seed(ctx)
	if err != nil {
		return err
	}
	if wrote {
		fmt.Fprintln(stdout, "demo data loaded")
	} else {
		fmt.Fprintln(stdout, "demo data already present")
	}
	return nil
}

func sign(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	id := fs.Int64("user-id", 0, "the principal's id")
	isCustomer := fs.Bool("customer", false, "sign as a mini-program customer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id <= 0 {
		return errors.New("usage: leida sign --user-id N [--customer]")
	}
	db, cleanup, err := initStore(cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	token, err := db.TokenOf(ctx, *id, *isCustomer)
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	fmt.Fprintf(stdout, "rand_str=%s&timestamp=%s&user_id=%d\n", auth.Sign(ts, token), ts, *id)
	return nil
}

// maintainAI keeps the AI close probability current while serving: the
// customers that new events, messages and notes queued are rescored within
// a second; every company is retrained daily and after RetrainAfter new
// outcomes, each by one instance at a time (a PostgreSQL advisory lock).
func maintainAI(ctx context.Context, s *appai.Service, log *slog.Logger) {
	go func() {
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			trained, err := s.TrainDue(ctx)
			if err != nil && ctx.Err() == nil {
				log.Warn("AI training", "error", err.Error())
			}
			for _, tr := range trained {
				if !tr.Skipped {
					log.Info("AI model trained", "company_id", tr.CompanyID, "model", tr.Model, "deals", tr.Deals, "scored", tr.Scored)
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	const batch = 500
	t := time.NewTicker(300 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for ctx.Err() == nil {
			n, err := s.RescoreQueued(ctx, batch)
			if err != nil {
				if ctx.Err() == nil {
					log.Warn("AI rescoring", "error", err.Error())
				}
				break
			}
			if n < batch {
				break
			}
		}
	}
}

// aiCommand is `leida ai train [--company N]`: one JSON line per company.
func aiCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "train" {
		return errors.New("usage: leida ai train [--company N]")
	}
	fs := flag.NewFlagSet("ai train", flag.ContinueOnError)
	company := fs.Int64("company", 0, "train only this company")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	app, cleanup, err := initApp(cfg, log)
	if err != nil {
		return err
	}
	defer cleanup()
	if _, err := app.DB.MigrateUp(ctx); err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	if *company != 0 {
		t, err := app.AI.Train(ctx, *company)
		if err != nil {
			return err
		}
		return enc.Encode(t)
	}
	var failed error
	err = app.AI.TrainAll(ctx, func(t appai.Trained) {
		if err := enc.Encode(t); err != nil && failed == nil {
			failed = err
		}
	})
	if err != nil {
		return err
	}
	return failed
}
