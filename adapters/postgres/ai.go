package postgres

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"leida/domain/ai"
	"leida/domain/customer"
	"leida/domain/followup"
	"leida/ports"
)

// AI is the store of the AI close probability: the signals it learns from,
// the models, the scores and the rescore queue.
type AI struct{ *DB }

// NewAI makes the store.
func NewAI(db *DB) *AI { return &AI{db} }

// int64Array and timeArray travel as one PostgreSQL array parameter (GORM
// would spell a plain slice out as a list).
type (
	int64Array []int64
	timeArray  []time.Time
)

func (a int64Array) Value() (driver.Value, error) {
	parts := make([]string, len(a))
	for i, v := range a {
		parts[i] = strconv.FormatInt(v, 10)
	}
	return "{" + strings.Join(parts, ",") + "}", nil
}

func (a timeArray) Value() (driver.Value, error) {
	parts := make([]string, len(a))
	for i, v := range a {
		parts[i] = `"` + v.UTC().Format("2006-01-02 15:04:05.999999Z07:00") + `"`
	}
	return "{" + strings.Join(parts, ",") + "}", nil
}

// targets are the customers and moments of a signals request as two arrays.
func targets(at []ports.SignalsAt) (int64Array, timeArray) {
	ids, ts := make(int64Array, len(at)), make(timeArray, len(at))
	for i, a := range at {
		ids[i], ts[i] = a.CustomerID, a.At
	}
	return ids, ts
}

// Signals reads, in four grouped statements over the company's rows, every
// customer's signals as of its moment: each statement bounds its rows by
// created_at < the customer's moment, so nothing later leaks in. Raw SQL:
// arrays joined as a table, decay arithmetic and a lateral reply search.
func (r *AI) Signals(ctx context.Context, companyID int64, at []ports.SignalsAt) (map[int64]ai.Signals, error) {
	out := map[int64]ai.Signals{}
	if len(at) == 0 {
		return out, nil
	}
	ids, ts := targets(at)
	moment := map[int64]time.Time{}
	for _, a := range at {
		s := ai.Signals{DaysSinceLast: -1, ReplyHours: -1, ManualPr: -1}
		out[a.CustomerID] = s
		moment[a.CustomerID] = a.At
	}
	db := r.conn(ctx)

	var logs []struct {
		CustomerID int64
		Action     int
		Decayed    float64
		N7         int
		In14       bool
		Last       time.Time
		First      time.Time
	}
	// Raw SQL: arrays joined as a table (unnest), decay arithmetic and FILTER aggregates.
	err := db.Raw(`SELECT t.customer_id, l.action,
			sum(exp(-ln(2) * extract(epoch FROM t.at - l.created_at) / ?)) AS decayed,
			count(*) FILTER (WHERE l.created_at >= t.at - interval '7 days') AS n7,
			bool_or(l.created_at >= t.at - interval '14 days') AS in14,
			max(l.created_at) AS last, min(l.created_at) AS first
		FROM unnest(?::bigint[], ?::timestamptz[]) AS t (customer_id, at)
		JOIN access_logs l ON l.company_id = ? AND l.customer_id = t.customer_id AND l.created_at < t.at
		GROUP BY 1, 2`, ai.HalfLife.Seconds(), ids, ts, companyID).Scan(&logs).Error
	if err != nil {
		return nil, translate(err)
	}
	first := map[int64]time.Time{}
	for _, l := range logs {
		s := out[l.CustomerID]
		if l.Action >= 1 && l.Action <= 12 {
			s.Decayed[l.Action] += l.Decayed
			s.Count7d[l.Action] += l.N7
		}
		if l.In14 {
			s.Distinct14d++
		}
		if d := moment[l.CustomerID].Sub(l.Last).Hours() / 24; s.DaysSinceLast < 0 || d < s.DaysSinceLast {
			s.DaysSinceLast = d
		}
		if f, ok := first[l.CustomerID]; !ok || l.First.Before(f) {
			first[l.CustomerID] = l.First
		}
		out[l.CustomerID] = s
	}

	var chats []struct {
		CustomerID int64
		Messages7d int
		ReplyHours *float64
	}
	// A customer's message of the last 30 days waits for the reps' next
	// message, or until the moment (at most 3 days) when none came.
	// Raw SQL: arrays joined as a table (unnest) and a lateral search for the reply.
	err = db.Raw(`SELECT t.customer_id,
			count(*) FILTER (WHERE m.created_at >= t.at - interval '7 days') AS messages7d,
			avg(LEAST(extract(epoch FROM COALESCE(rep.at, t.at) - m.created_at), 259200)) / 3600 AS reply_hours
		FROM unnest(?::bigint[], ?::timestamptz[]) AS t (customer_id, at)
		JOIN chat_messages m ON m.company_id = ? AND m.customer_id = t.customer_id AND m.send_type = 2
			AND m.created_at < t.at AND m.created_at >= t.at - interval '30 days'
		LEFT JOIN LATERAL (SELECT min(x.created_at) AS at FROM chat_messages x
			WHERE x.company_id = m.company_id AND x.user_id = m.user_id AND x.customer_id = m.customer_id
			AND x.send_type = 1 AND x.created_at > m.created_at AND x.created_at < t.at) rep ON true
		GROUP BY 1`, ids, ts, companyID).Scan(&chats).Error
	if err != nil {
		return nil, translate(err)
	}
	for _, c := range chats {
		s := out[c.CustomerID]
		s.CustomerMessages7d = c.Messages7d
		if c.ReplyHours != nil {
			s.ReplyHours = *c.ReplyHours
		}
		out[c.CustomerID] = s
	}

	// Notes: those of 30 days count; the rep's estimates (E39/E40 notes)
	// are read back from their history, so an estimate made later is unseen.
	var notes []struct {
		CustomerID int64
		Note       string
		CreatedAt  time.Time
	}
	// Raw SQL: arrays joined as a table (unnest), each customer bounded by its own moment.
	err = db.Raw(`SELECT t.customer_id, n.note, n.created_at
		FROM unnest(?::bigint[], ?::timestamptz[]) AS t (customer_id, at)
		JOIN follow_ups f ON f.company_id = ? AND f.customer_id = t.customer_id
		JOIN follow_notes n ON n.follow_up_id = f.id AND n.company_id = f.company_id AND n.created_at < t.at
		WHERE n.created_at >= t.at - interval '30 days' OR n.note LIKE '更新预计成交%'
		ORDER BY n.created_at, n.id`, ids, ts, companyID).Scan(&notes).Error
	if err != nil {
		return nil, translate(err)
	}
	expected := map[int64]*time.Time{}
	for _, n := range notes {
		s := out[n.CustomerID]
		if n.CreatedAt.After(moment[n.CustomerID].Add(-30 * 24 * time.Hour)) {
			s.Notes30d++
		}
		if pr, ok := followup.ExpectedPrFromNote(n.Note); ok {
			s.ManualPr = pr
		}
		if d, ok := followup.ExpectedTimeFromNote(n.Note); ok {
			expected[n.CustomerID] = &d
		}
		out[n.CustomerID] = s
	}

	var profiles []struct {
		CustomerID   int64
		ExpectedPr   *string `gorm:"column:expedted_pr"`
		ExpectedTime *time.Time
		UpdatedAt    *time.Time
		Source       *int
		Since        *time.Time
	}
	// Raw SQL: arrays joined as a table (unnest) with correlated subqueries per customer.
	err = db.Raw(`SELECT t.customer_id, p.expedted_pr, p.expected_time, p.updated_at,
			(SELECT b.source FROM customer_belongers b WHERE b.company_id = ? AND b.customer_id = t.customer_id
				ORDER BY b.created_at, b.id LIMIT 1) AS source,
			(SELECT min(b.created_at) FROM customer_belongers b WHERE b.company_id = ? AND b.customer_id = t.customer_id
				AND b.created_at < t.at) AS since
		FROM unnest(?::bigint[], ?::timestamptz[]) AS t (customer_id, at)
		LEFT JOIN customer_profiles p ON p.company_id = ? AND p.customer_id = t.customer_id`,
		companyID, companyID, ids, ts, companyID).Scan(&profiles).Error
	if err != nil {
		return nil, translate(err)
	}
	for _, p := range profiles {
		s, t := out[p.CustomerID], moment[p.CustomerID]
		// Estimates set without a note (imports, demo data) count when the
		// profile was last changed before the moment.
		unchangedSince := p.UpdatedAt != nil && p.UpdatedAt.Before(t)
		if s.ManualPr < 0 && p.ExpectedPr != nil && unchangedSince {
			if pr, ok := followup.ParsePercent(*p.ExpectedPr); ok {
				s.ManualPr = pr
			}
		}
		if expected[p.CustomerID] == nil && p.ExpectedTime != nil && unchangedSince {
			expected[p.CustomerID] = p.ExpectedTime
		}
		s.Expected = ai.ExpectedState(expected[p.CustomerID], t)
		s.Forwarded = p.Source != nil && customer.Source(*p.Source) == customer.SourceForward
		start := first[p.CustomerID]
		if p.Since != nil && (start.IsZero() || p.Since.Before(start)) {
			start = *p.Since
		}
		if !start.IsZero() {
			s.AgeDays = math.Max(0, t.Sub(start).Hours()/24)
		}
		out[p.CustomerID] = s
	}
	return out, nil
}

// Deals lists the company's closed deals, oldest first.
func (r *AI) Deals(ctx context.Context, companyID int64) ([]ports.Deal, error) {
	var rows []struct {
		CustomerID int64
		Outcome    int
		ClosedAt   time.Time
	}
	err := r.conn(ctx).Model(&profileRow{}).Select("customer_id, outcome, closed_at").Scopes(tenant(companyID)).
		Where("outcome IN ? AND closed_at IS NOT NULL",
			[]int{int(customer.OutcomeWon), int(customer.OutcomeLost)}).
		Order("closed_at, customer_id").Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]ports.Deal, len(rows))
	for i, row := range rows {
		y, m, d := row.ClosedAt.Date()
		out[i] = ports.Deal{CustomerID: row.CustomerID, Won: row.Outcome == int(customer.OutcomeWon),
			ClosedAt: time.Date(y, m, d, 0, 0, 0, 0, r.loc)}
	}
	return out, nil
}

// OpenCustomers lists the customers bound to the company's reps whose deal
// is open.
func (r *AI) OpenCustomers(ctx context.Context, companyID int64) ([]int64, error) {
	var ids []int64
	err := r.conn(ctx).Table("customer_belongers b").Distinct("b.customer_id").
		Joins("LEFT JOIN customer_profiles p ON p.company_id = b.company_id AND p.customer_id = b.customer_id").
		Scopes(tenant(companyID)).Where("COALESCE(p.outcome, 0) = 0").Order("b.customer_id").Scan(&ids).Error
	return ids, translate(err)
}

// Companies lists every company.
func (r *AI) Companies(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := r.conn(ctx).Model(&companyRow{}).Order("id").Pluck("id", &ids).Error
	return ids, translate(err)
}

// CompaniesToTrain lists the companies with bound customers whose model is
// missing, stale or behind by newOutcomes outcomes.
func (r *AI) CompaniesToTrain(ctx context.Context, staleBefore time.Time, newOutcomes int) ([]int64, error) {
	var ids []int64
	err := r.conn(ctx).Table("companies c").Joins("LEFT JOIN ai_models m ON m.company_id = c.id").
		Where("EXISTS (SELECT 1 FROM customer_belongers b WHERE b.company_id = c.id)").
		Where("m.company_id IS NULL OR m.trained_at < ? OR m.new_outcomes >= ?", staleBefore, newOutcomes).
		Order("c.id").Pluck("c.id", &ids).Error
	return ids, translate(err)
}

// modelRow is the model of ai_models, as far as a trained model is read
// back (SaveModel's upsert writes it).
type modelRow struct {
	CompanyID int64
	Model     []byte
	Counts    []byte
	Auc       *float64
	Brier     *float64
	Holdout   int
	TrainedAt time.Time
}

func (modelRow) TableName() string { return "ai_models" }

// Model is the company's stored model.
func (r *AI) Model(ctx context.Context, companyID int64) (ports.StoredModel, error) {
	var row modelRow
	if err := r.conn(ctx).Scopes(tenant(companyID)).Take(&row).Error; err != nil {
		return ports.StoredModel{}, translate(err)
	}
	m := ports.StoredModel{CompanyID: row.CompanyID, AUC: row.Auc, Brier: row.Brier, Holdout: row.Holdout, TrainedAt: row.TrainedAt}
	if err := json.Unmarshal(row.Model, &m.Model); err != nil {
		return ports.StoredModel{}, err
	}
	if err := json.Unmarshal(row.Counts, &m.Counts); err != nil {
		return ports.StoredModel{}, err
	}
	return m, nil
}

// PooledCounts sums the stored counts of every other company.
func (r *AI) PooledCounts(ctx context.Context, exceptCompanyID int64) (ai.Counts, error) {
	var raw [][]byte
	if err := r.conn(ctx).Model(&modelRow{}).Where("company_id <> ?", exceptCompanyID).Pluck("counts", &raw).Error; err != nil {
		return ai.Counts{}, translate(err)
	}
	pooled := ai.NewCounts()
	for _, b := range raw {
		var c ai.Counts
		if err := json.Unmarshal(b, &c); err != nil {
			return ai.Counts{}, err
		}
		if len(c.Won[0]) == len(pooled.Won[0]) { // counts of the current feature set only
			pooled.Merge(c)
		}
	}
	return pooled, nil
}

// SaveModel stores the company's model; outcomes counted toward the next
// training start again from zero.
func (r *AI) SaveModel(ctx context.Context, m ports.StoredModel) error {
	model, err := json.Marshal(m.Model)
	if err != nil {
		return err
	}
	counts, err := json.Marshal(m.Counts)
	if err != nil {
		return err
	}
	// Raw SQL: an upsert (ON CONFLICT ... DO UPDATE).
	return translate(r.conn(ctx).Exec(`INSERT INTO ai_models
			(company_id, kind, model, counts, deals, won, lost, auc, brier, holdout, new_outcomes, trained_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
		ON CONFLICT (company_id) DO UPDATE SET kind = EXCLUDED.kind, model = EXCLUDED.model, counts = EXCLUDED.counts,
			deals = EXCLUDED.deals, won = EXCLUDED.won, lost = EXCLUDED.lost, auc = EXCLUDED.auc, brier = EXCLUDED.brier,
			holdout = EXCLUDED.holdout, new_outcomes = 0, trained_at = EXCLUDED.trained_at`,
		m.CompanyID, m.Model.Kind, model, counts, m.Model.Deals, m.Model.Won, m.Model.Lost, m.AUC, m.Brier, m.Holdout,
		m.TrainedAt).Error)
}

// SaveScores writes the scores in one transaction and pushes `hot_lead` to
// the reps of every customer whose score rose by hotRise since its baseline
// (its score a day ago) or entered tier A, at most once a day.
func (r *AI) SaveScores(ctx context.Context, companyID int64, scores []ports.CustomerScore, hotRise int) ([]ports.HotLead, error) {
	if len(scores) == 0 {
		return nil, nil
	}
	var hot []ports.HotLead
	err := r.Run(ctx, func(ctx context.Context) error {
		db := r.conn(ctx)
		ids := make([]int64, len(scores))
		for i, s := range scores {
			ids[i] = s.CustomerID
		}
		// Profiles exist for every scored customer; lock them in id order.
		// Raw SQL: an INSERT ... SELECT from an array parameter, as an upsert (ON CONFLICT DO NOTHING).
		if err := db.Exec(`INSERT INTO customer_profiles (company_id, customer_id)
			SELECT ?, id FROM unnest(?::bigint[]) AS id ORDER BY id ON CONFLICT (company_id, customer_id) DO NOTHING`,
			companyID, int64Array(ids)).Error; err != nil {
			return err
		}
		var prev []struct {
			CustomerID   int64
			AiPr         *int
			AiTier       *string
			AiBaseline   *int
			AiBaselineAt *time.Time
			HotLeadAt    *time.Time
		}
		profiles := func() *gorm.DB { return db.Model(&profileRow{}).Scopes(tenant(companyID)) }
		if err := profiles().Select("customer_id, ai_pr, ai_tier, ai_baseline, ai_baseline_at, hot_lead_at").
			Where("customer_id IN ?", ids).Order("customer_id").Clauses(clause.Locking{Strength: "UPDATE"}).Find(&prev).Error; err != nil {
			return err
		}
		before := map[int64]int{}
		for i := range prev {
			before[prev[i].CustomerID] = i
		}
		for _, s := range scores {
			p := prev[before[s.CustomerID]]
			baseline, baselineAt := s.AIPr, s.ScoredAt
			if p.AiBaseline != nil && p.AiBaselineAt != nil && s.ScoredAt.Sub(*p.AiBaselineAt) < 24*time.Hour {
				baseline, baselineAt = *p.AiBaseline, *p.AiBaselineAt
			} else if p.AiPr != nil {
				baseline = *p.AiPr // a new day starts from the last score
			}
			wasA := p.AiTier != nil && *p.AiTier == "A"
			isHot := (s.AIPr-baseline >= hotRise || s.Tier == "A" && !wasA && p.AiPr != nil) &&
				(p.HotLeadAt == nil || s.ScoredAt.Sub(*p.HotLeadAt) >= 24*time.Hour)
			reasons, err := json.Marshal(s.Reasons)
			if err != nil {
				return err
			}
			hotAt := p.HotLeadAt
			if isHot {
				hotAt = &s.ScoredAt
			}
			if err := profiles().Where("customer_id = ?", s.CustomerID).Updates(map[string]any{"ai_pr": s.AIPr, "ai_tier": s.Tier,
				"ai_reasons": reasons, "ai_scored_at": s.ScoredAt, "ai_baseline": baseline, "ai_baseline_at": baselineAt,
				"hot_lead_at": hotAt}).Error; err != nil {
				return err
			}
			if !isHot {
				continue
			}
			var reps []int64
			if err := db.Table("customer_belongers b").Joins("JOIN users u ON u.id = b.user_id AND u.deleted_at IS NULL").
				Scopes(tenant(companyID)).Where("b.customer_id = ?", s.CustomerID).Order("b.user_id").Pluck("b.user_id", &reps).Error; err != nil {
				return err
			}
			var name string
			if err := db.Model(&customerRow{}).Select("username").Where("id = ?", s.CustomerID).Scan(&name).Error; err != nil {
				return err
			}
			payload, err := json.Marshal(map[string]any{"customer_id": s.CustomerID, "customer_username": name, "ai_pr": s.AIPr,
				"tier": s.Tier, "previous": baseline, "reasons": s.Reasons})
			if err != nil {
				return err
			}
			for _, rep := range reps {
				// Raw SQL: the stream's SQL function (appends the event, NOTIFY at commit).
				if err := db.Exec(`SELECT leida_stream_push(1::smallint, ?, ?, 'hot_lead', ?::jsonb)`, rep, companyID, string(payload)).Error; err != nil {
					return err
				}
			}
			hot = append(hot, ports.HotLead{CustomerID: s.CustomerID, Reps: reps})
		}
		return nil
	})
	return hot, translate(err)
}

// Score is a customer's stored score.
func (r *AI) Score(ctx context.Context, companyID, customerID int64) (ports.CustomerScore, error) {
	var row struct {
		AiPr       *int
		AiTier     *string
		AiReasons  []byte
		AiScoredAt *time.Time
	}
	err := r.conn(ctx).Model(&profileRow{}).Select("ai_pr, ai_tier, ai_reasons, ai_scored_at").
		Scopes(tenant(companyID)).Where("customer_id = ?", customerID).Take(&row).Error
	if err != nil {
		return ports.CustomerScore{}, translate(err)
	}
	if row.AiPr == nil {
		return ports.CustomerScore{}, ports.ErrNotFound
	}
	s := ports.CustomerScore{CustomerID: customerID, AIPr: *row.AiPr, Reasons: []ai.Reason{}}
	if row.AiTier != nil {
		s.Tier = *row.AiTier
	}
	if row.AiScoredAt != nil {
		s.ScoredAt = *row.AiScoredAt
	}
	if len(row.AiReasons) > 0 {
		if err := json.Unmarshal(row.AiReasons, &s.Reasons); err != nil {
			return ports.CustomerScore{}, err
		}
	}
	return s, nil
}

// SetOutcome records the outcome on the company's profile (created when
// missing) and counts it toward the next training.
func (r *AI) SetOutcome(ctx context.Context, companyID, customerID int64, outcome customer.Outcome, closedAt *time.Time) (int, error) {
	var n int
	err := r.Run(ctx, func(ctx context.Context) error {
		db := r.conn(ctx)
		var day any
		if closedAt != nil {
			day = closedAt.Format("2006-01-02")
		}
		// Raw SQL: an upsert (ON CONFLICT ... DO UPDATE).
		if err := db.Exec(`INSERT INTO customer_profiles (company_id, customer_id, outcome, closed_at, updated_at)
			VALUES (?, ?, ?, ?, now())
			ON CONFLICT (company_id, customer_id) DO UPDATE SET outcome = EXCLUDED.outcome, closed_at = EXCLUDED.closed_at,
				updated_at = now()`, companyID, customerID, int(outcome), day).Error; err != nil {
			return err
		}
		// Raw SQL: an increment that returns the new count (UPDATE ... RETURNING).
		return db.Raw(`UPDATE ai_models SET new_outcomes = new_outcomes + 1 WHERE company_id = ? RETURNING new_outcomes`,
			companyID).Scan(&n).Error
	})
	return n, translate(err)
}

// TakeRescores removes and returns up to limit queued customers, oldest
// first; rows other workers hold are skipped.
func (r *AI) TakeRescores(ctx context.Context, limit int) (map[int64][]int64, error) {
	var rows []struct{ CompanyID, CustomerID int64 }
	// Raw SQL: a claim-once queue (DELETE ... FOR UPDATE SKIP LOCKED ... RETURNING).
	err := r.conn(ctx).Raw(`DELETE FROM ai_rescore WHERE id IN (
			SELECT id FROM ai_rescore ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
		RETURNING company_id, customer_id`, limit).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	// The queue is append-only: a customer may stand in it several times.
	out := map[int64][]int64{}
	seen := map[[2]int64]bool{}
	for _, row := range rows {
		if key := [2]int64{row.CompanyID, row.CustomerID}; !seen[key] {
			seen[key] = true
			out[row.CompanyID] = append(out[row.CompanyID], row.CustomerID)
		}
	}
	return out, nil
}

// trainingLockSpace keeps the training locks' keys apart from other advisory locks.
const trainingLockSpace = int64(0x4149) << 40

// Queue queues customers to rescore.
func (r *AI) Queue(ctx context.Context, companyID int64, customerIDs []int64) error {
	// Raw SQL: an INSERT ... SELECT from an array parameter (one statement, in id order).
	return translate(r.conn(ctx).Exec(`INSERT INTO ai_rescore (company_id, customer_id)
		SELECT ?, id FROM unnest(?::bigint[]) AS id ORDER BY id`, companyID, int64Array(customerIDs)).Error)
}

// errLocked ends a training transaction another instance holds.
var errLocked = errors.New("training lock held elsewhere")

// TryTrainingLock runs fn in a transaction holding the company's training
// lock (an advisory lock released at commit), unless another instance holds it.
func (r *AI) TryTrainingLock(ctx context.Context, companyID int64, fn func(ctx context.Context) error) (bool, error) {
	err := r.Run(ctx, func(ctx context.Context) error {
		// Background work, not a request: no statement deadline.
		// Raw SQL: SET LOCAL has no GORM form.
		if err := r.conn(ctx).Exec(`SET LOCAL statement_timeout = 0`).Error; err != nil {
			return err
		}
		var got bool
		// Raw SQL: an advisory lock function.
		if err := r.conn(ctx).Raw(`SELECT pg_try_advisory_xact_lock(?)`, trainingLockSpace|companyID).Scan(&got).Error; err != nil {
			return err
		}
		if !got {
			return errLocked
		}
		return fn(ctx)
	})
	if errors.Is(err, errLocked) {
		return false, nil
	}
	return err == nil, translate(err)
}
