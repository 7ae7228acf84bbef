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
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"leida/adapters/config"
	leidahttp "leida/adapters/http"
	"leida/adapters/postgres"
	appai "leida/application/ai"
	"leida/application/auth"
	"leida/domain/errs"
	"leida/ports"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "leida:", err)
		os.Exit(1)
	}
}

// command is one `leida` command: its synopsis and description (its help),
// its flags (declared by flags, for the help and for parsing) and what it does.
type command struct {
	name     string
	synopsis string // usage line(s) after "usage: "
	summary  string // one line for the overview
	about    string // what it does, for its help
	flags    func(fs *flag.FlagSet)
	// run does the command; nil for the commands that need no configuration
	// (help, version), handled before it is read.
	run func(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error
}

// commands lists every command in the order of the overview.
func commands() []command {
	return []command{
		{name: "serve", synopsis: "leida serve [--no-migrate]",
			summary: "serve HTTP until SIGINT/SIGTERM (migrating in the background first)",
			about: `Listens on HTTP_ADDR at once (and on METRICS_ADDR when set) and serves the API until SIGINT or
SIGTERM, then drains in-flight requests. Unless --no-migrate, it first creates the database if
missing and applies pending migrations in the background; until that is done every request but
/healthz answers 503. A busy address fails before anything is served.`,
			flags: func(fs *flag.FlagSet) {
				fs.Bool("no-migrate", false, "serve at once, without applying pending migrations")
			},
			run: serve},
		{name: "migrate", synopsis: "leida migrate up|down|status",
			summary: "manage the database schema",
			about: `up creates the database if missing and applies pending migrations; down rolls back the latest
one; status lists them.`,
			run: migrate},
		{name: "bootstrap", synopsis: "leida bootstrap --company NAME --username NAME --password PASS [--reset-password]",
			summary: "create the built-in roles, the company and a platform admin if absent",
			about: `Creates the built-in roles, the company and its platform admin when absent (nothing when
present) and prints {"company_id":N,"token":"...","user_id":N}. With --reset-password an existing
user of that name gets PASS as its password (and a new token) unless PASS already works.`,
			flags: bootstrapFlags, run: bootstrap},
		{name: "seed", synopsis: "leida seed --demo",
			summary: "load the demo data set (once)",
			about: `Loads the demo data set once (companies, reps, customers, tags, follow-ups, radar history,
chats), then prints one JSON line naming a demo rep and one of the rep's mini-program customers,
to try the API as (leida sign --user-id N [--customer]).`,
			flags: seedFlags, run: seed},
		{name: "sign", synopsis: "leida sign --user-id N [--customer]",
			summary: "print signed query parameters for a user (or customer)",
			about: `Prints rand_str=...&timestamp=...&user_id=N for that enterprise user (or, with --customer,
mini-program customer) of the database of DATABASE_URL, which it names on stderr, for trying the
API with curl. The signature is valid for AUTH_MAX_SKEW.`,
			flags: signFlags, run: sign},
		{name: "ai", synopsis: "leida ai train [--company N]",
			summary: "train the AI close probability (every company, or one) and rescore",
			flags:   aiFlags, run: aiCommand},
		{name: "wecom", synopsis: "leida wecom sync --company N",
			summary: "pull the company's WeCom directory into its departments and users",
			about: `Reads the company's departments and members from WeCom (with its corp_id and
tongxunlu_secret) and brings Leida in line: new members become disabled users (an admin enables
them), changed names, positions, phones and departments are updated, members gone from WeCom are
disabled (never deleted). Prints one line per change; a second run prints nothing. leida serve
runs it daily for every company with WeCom credentials, one instance a day.`,
			flags: wecomFlags, run: wecomCommand},
		{name: "version", synopsis: "leida version",
			summary: "print the module version and the VCS revision of this binary"},
		{name: "help", synopsis: "leida help [command]",
			summary: "print the commands, or one command's usage"},
	}
}

func lookupCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// printOverview lists the commands.
func printOverview(w io.Writer) {
	fmt.Fprint(w, "usage: leida <command> [flags]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\n'leida help <command>' or 'leida <command> --help' prints a command's usage.\n"+
		"Configuration comes from the environment (see the README).\n")
}

// printUsage is a command's help.
func printUsage(w io.Writer, c command) {
	fmt.Fprintf(w, "usage: %s\n\n", c.synopsis)
	about := c.about
	if about == "" {
		about = strings.ToUpper(c.summary[:1]) + c.summary[1:] + "."
	}
	fmt.Fprintln(w, about)
	if c.flags != nil {
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		c.flags(fs)
		fs.SetOutput(w)
		fmt.Fprint(w, "\nflags:\n")
		fs.PrintDefaults()
	}
}

// wantsHelp reports whether args (after the command) ask for its help.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printOverview(stderr)
		return errors.New("missing command")
	}
	// Help and version need no configuration: they work whatever the environment.
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) < 2 {
			printOverview(stdout)
			return nil
		}
		name := args[1]
		if wantsHelp(args[1:2]) {
			name = "help" // leida help --help
		}
		c, ok := lookupCommand(name)
		if !ok {
			printOverview(stderr)
			return fmt.Errorf("unknown command %q", args[1])
		}
		printUsage(stdout, c)
		return nil
	case "version", "--version", "-version":
		if wantsHelp(args[1:]) {
			c, _ := lookupCommand("version")
			printUsage(stdout, c)
			return nil
		}
		bi, _ := debug.ReadBuildInfo()
		fmt.Fprint(stdout, versionText(bi))
		return nil
	}
	c, ok := lookupCommand(args[0])
	if !ok {
		printOverview(stderr)
		return fmt.Errorf("unknown command %q", args[0])
	}
	if wantsHelp(args[1:]) {
		printUsage(stdout, c)
		return nil
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	debug.SetGCPercent(cfg.GCPercent)
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return c.run(ctx, cfg, log, args[1:], stdout, stderr)
}

// versionText is `leida version`: the main module's version (a tag when
// built with `go install leida/cmd/leida@vX`, else "(devel)") and the VCS
// revision Go stamped into the binary.
func versionText(bi *debug.BuildInfo) string {
	if bi == nil {
		return "leida: no build information in this binary\n"
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	path := bi.Main.Path
	if path == "" {
		path = bi.Path
	}
	var b strings.Builder
	fmt.Fprintf(&b, "leida %s\n", version)
	fmt.Fprintf(&b, "module:   %s\n", path)
	if rev := settings["vcs.revision"]; rev != "" {
		state := ""
		if settings["vcs.modified"] == "true" {
			state = " (with uncommitted changes)"
		}
		fmt.Fprintf(&b, "revision: %s%s\n", rev, state)
		if t := settings["vcs.time"]; t != "" {
			fmt.Fprintf(&b, "committed: %s\n", t)
		}
	} else {
		b.WriteString("revision: unknown (built without VCS stamping: -buildvcs=false, or outside a git checkout)\n")
	}
	fmt.Fprintf(&b, "go:       %s\n", bi.GoVersion)
	return b.String()
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// parseFlags parses a command's flags (those its flags function declares).
func parseFlags(name string, declare func(*flag.FlagSet), args []string) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if declare != nil {
		declare(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("%s: %w (see leida help %s)", name, err, name)
	}
	return fs, nil
}

func flagString(fs *flag.FlagSet, name string) string { return fs.Lookup(name).Value.String() }

func flagBool(fs *flag.FlagSet, name string) bool {
	v, _ := fs.Lookup(name).Value.(flag.Getter).Get().(bool)
	return v
}

func flagInt(fs *flag.FlagSet, name string) int64 {
	v, _ := fs.Lookup(name).Value.(flag.Getter).Get().(int64)
	return v
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _, _ io.Writer) error {
	c, _ := lookupCommand("serve")
	fs, err := parseFlags("serve", c.flags, args)
	if err != nil {
		return err
	}
	noMigrate := flagBool(fs, "no-migrate")
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q (see leida help serve)", fs.Arg(0))
	}
	// Listen first: a busy or bad address fails here, before anything says
	// it is serving.
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	defer ln.Close() // after Shutdown: harmless
	var metricsLn net.Listener
	if cfg.MetricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			return fmt.Errorf("METRICS_ADDR %s: %w", cfg.MetricsAddr, err)
		}
		defer metricsLn.Close()
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
	if noMigrate {
		startBackground(ctx, app, log)
	} else {
		prepared = make(chan error, 1)
		// Serve at once, but answer 503 (/healthz excepted) until the
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
		Handler:           app.Server,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	// The push streams: LISTEN starts here (only serve needs it); the
	// server's Shutdown ends the open streams, which never finish by
	// themselves, so the drain does not wait for them.
	app.Streams.Start()
	defer app.Streams.Stop()
	srv.RegisterOnShutdown(app.Streams.Shutdown)
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	var metricsSrv *http.Server
	if metricsLn != nil {
		mux := http.NewServeMux()
		mux.Handle("GET "+leidahttp.MetricsPath, app.Metrics.Handler())
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
			WriteTimeout: 30 * time.Second}
		go func() { errc <- metricsSrv.Serve(metricsLn) }()
	}
	attrs := []any{"addr", ln.Addr().String(), "request_timeout", cfg.RequestTimeout.String(),
		"statement_timeout", cfg.StatementTimeout.String()}
	if metricsLn != nil {
		attrs = append(attrs, "metrics_addr", metricsLn.Addr().String())
	}
	log.Info("serving", attrs...)
	stop := func() error {
		if metricsSrv != nil {
			_ = metricsSrv.Close()
		}
		return shutdown(srv, log)
	}
	for done := false; !done; {
		select {
		case err := <-errc:
			_ = stop()
			return err
		case err := <-prepared:
			if err != nil && ctx.Err() == nil {
				// Not an outage (a migration that fails, a bad TIME_ZONE):
				// waiting would not help.
				_ = stop()
				return err
			}
			if err == nil {
				log.Info("ready")
				startBackground(ctx, app, log)
			}
		case <-ctx.Done():
			done = true
		}
	}
	return stop()
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

func migrate(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string, stdout, _ io.Writer) error {
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

func bootstrapFlags(fs *flag.FlagSet) {
	fs.String("company", "", "company name")
	fs.String("username", "", "platform admin's login name")
	fs.String("password", "", "platform admin's password")
	fs.Bool("reset-password", false, "give an existing user of that name this password (unless it already works)")
}

func bootstrap(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, _ io.Writer) error {
	fs, err := parseFlags("bootstrap", bootstrapFlags, args)
	if err != nil {
		return err
	}
	company, username, password := flagString(fs, "company"), flagString(fs, "username"), flagString(fs, "password")
	cfg.StatementTimeout = 0 // a one-shot command: no statement deadline
	app, cleanup, err := migratedApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer cleanup()
	res, err := app.Bootstrap.Bootstrap(ctx, company, username, password)
	if err != nil {
		return err
	}
	out := map[string]any{"company_id": res.CompanyID, "user_id": res.UserID, "token": res.Token}
	if flagBool(fs, "reset-password") {
		reset, changed, err := app.Bootstrap.ResetPassword(ctx, username, password)
		if err != nil {
			return err
		}
		out["user_id"], out["token"], out["password_reset"] = reset.UserID, reset.Token, changed
	}
	return json.NewEncoder(stdout).Encode(out)
}

// migratedApp builds the app of a one-shot command and applies pending
// migrations first.
func migratedApp(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, func(), error) {
	app, cleanup, err := initApp(cfg, log)
	if err != nil {
		return nil, nil, err
	}
	if _, err := app.DB.MigrateUp(ctx); err != nil {
		cleanup()
		return nil, nil, err
	}
	return app, cleanup, nil
}

func seedFlags(fs *flag.FlagSet) { fs.Bool("demo", false, "load the demo data set") }

func seed(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, _ io.Writer) error {
	fs, err := parseFlags("seed", seedFlags, args)
	if err != nil {
		return err
	}
	if !flagBool(fs, "demo") {
		return errors.New("usage: leida seed --demo")
	}
	cfg.StatementTimeout = 0 // a one-shot command: no statement deadline
	app, cleanup, err := migratedApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer cleanup()
	wrote, err := app.Demo.Seed(ctx)
	if err != nil {
		return err
	}
	if wrote {
		fmt.Fprintln(stdout, "demo data loaded")
	} else {
		fmt.Fprintln(stdout, "demo data already present")
	}
	guide, err := app.Demo.Guide(ctx)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(guide)
}

func signFlags(fs *flag.FlagSet) {
	fs.Int64("user-id", 0, "the enterprise user's id (the customer's with --customer)")
	fs.Bool("customer", false, "sign as a mini-program customer")
}

func sign(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs, err := parseFlags("sign", signFlags, args)
	if err != nil {
		return err
	}
	id, isCustomer := flagInt(fs, "user-id"), flagBool(fs, "customer")
	if id <= 0 {
		return errors.New("usage: leida sign --user-id N [--customer]")
	}
	db, cleanup, err := initStore(cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	where := databaseName(cfg.DatabaseURL)
	who := "enterprise user"
	if isCustomer {
		who = "mini-program customer"
	}
	token, err := db.TokenOf(ctx, id, isCustomer)
	switch {
	case errors.Is(err, ports.ErrNotFound):
		hint := "an enterprise user's id? drop --customer"
		if !isCustomer {
			hint = "a mini-program customer's id? add --customer"
		}
		return fmt.Errorf("sign: no %s with id %d in database %s (DATABASE_URL; %s)", who, id, where, hint)
	case err != nil:
		return fmt.Errorf("sign: reading %s %d in database %s: %w", who, id, where, err)
	case token == "":
		return fmt.Errorf("sign: %s %d in database %s has no token yet (it has never logged in)", who, id, where)
	}
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	fmt.Fprintf(stdout, "rand_str=%s&timestamp=%s&user_id=%d\n", auth.Sign(ts, token), ts, id)
	fmt.Fprintf(stderr, "leida: signed as %s %d of database %s, valid for AUTH_MAX_SKEW (%s)\n", who, id, where, skewText(cfg.AuthMaxSkew))
	return nil
}

func skewText(d time.Duration) string {
	if d == 0 {
		return "no limit"
	}
	return d.String()
}

// databaseName names the database of url for messages: name on host:port
// (never the password).
func databaseName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "of DATABASE_URL"
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" {
		name = u.User.Username()
	}
	host := u.Host
	if host == "" {
		host = u.Query().Get("host")
	}
	if host == "" {
		return fmt.Sprintf("%q", name)
	}
	return fmt.Sprintf("%q on %s", name, host)
}

// startBackground starts the work serve does besides answering, once the
// database is migrated: the AI's rescoring and training, the delivery of
// webhooks and the daily WeCom directory synchronisation. Each runs until ctx ends, on every instance; the work is
// shared out through the database (claims and locks), never done twice.
func startBackground(ctx context.Context, app *App, log *slog.Logger) {
	go maintainAI(ctx, app.AI, log)
	go app.Webhooks.Run(ctx)
	go app.Directory.RunDaily(ctx)
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

func wecomFlags(fs *flag.FlagSet) { fs.Int64("company", 0, "the company to synchronise") }

// wecomCommand is `leida wecom sync --company N`.
func wecomCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, _ io.Writer) error {
	if len(args) == 0 || args[0] != "sync" {
		return errors.New("usage: leida wecom sync --company N")
	}
	fs, err := parseFlags("wecom sync", wecomFlags, args[1:])
	if err != nil {
		return err
	}
	company := flagInt(fs, "company")
	if company <= 0 {
		return errors.New("wecom sync: --company N is required")
	}
	cfg.StatementTimeout = 0 // a one-shot command: no statement deadline
	app, cleanup, err := migratedApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer cleanup()
	plan, err := app.Directory.Company(ctx, company)
	if errors.Is(err, ports.ErrNotFound) {
		return fmt.Errorf("wecom sync: no company %d", company)
	}
	if err != nil {
		return fmt.Errorf("wecom sync: %w", err)
	}
	for _, line := range plan.Lines() {
		fmt.Fprintln(stdout, line)
	}
	return nil
}

func aiFlags(fs *flag.FlagSet) { fs.Int64("company", 0, "train only this company") }

// aiCommand is `leida ai train [--company N]`: one JSON line per company.
func aiCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, _ io.Writer) error {
	if len(args) == 0 || args[0] != "train" {
		return errors.New("usage: leida ai train [--company N]")
	}
	fs, err := parseFlags("ai train", aiFlags, args[1:])
	if err != nil {
		return err
	}
	company := flagInt(fs, "company")
	app, cleanup, err := migratedApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer cleanup()
	enc := json.NewEncoder(stdout)
	if company != 0 {
		t, err := app.AI.Train(ctx, company)
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
