package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"leida/adapters/postgres"
	"leida/domain/card"
	"leida/domain/followup"
	"leida/domain/paging"
	"leida/domain/radar"
	"leida/ports"
)

// migrateDownTo rolls migrations back until version is the newest applied.
func migrateDownTo(t *testing.T, db *postgres.DB, version int64) {
	t.Helper()
	ctx := context.Background()
	for {
		st, err := db.MigrationStatuses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var newest int64
		for _, s := range st {
			if s.Applied && s.Version > newest {
				newest = s.Version
			}
		}
		if newest <= version {
			return
		}
		if err := db.MigrateDown(ctx); err != nil {
			t.Fatalf("down from %d: %v", newest, err)
		}
	}
}

// Card rows of rep (company A) looked for with company B's id (the rep's id
// and the row ids right): every call finds nothing and changes nothing.
func TestCardCallsWithAnotherCompanyTouchNothing(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	if _, err := f.raw.Exec(`UPDATE users SET sign = 'S', mingpian_phone = '13800000000', qr_code = 'q', popularity = 5 WHERE id = $1`, f.rep); err != nil {
		t.Fatal(err)
	}
	p := card.Photo{UserID: f.rep}
	if err := f.cards.AddPhoto(ctx, f.company, &p); err != nil {
		t.Fatal(err)
	}
	if err := f.cards.SetPhotoURL(ctx, f.company, f.rep, p.ID, "statics/mine.jpg"); err != nil {
		t.Fatal(err)
	}
	a, b := card.Tag{UserID: f.rep, Name: "a"}, card.Tag{UserID: f.rep, Name: "b"}
	for _, tg := range []*card.Tag{&a, &b} {
		if err := f.cards.AddTag(ctx, f.company, tg); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.cards.SetPraise(ctx, f.company, f.rep, f.cust, true); err != nil {
		t.Fatal(err)
	}
	snapshot := func() string {
		var s string
		if err := f.raw.QueryRow(`SELECT concat_ws('|',
			(SELECT string_agg(concat_ws(',', id, company_id, photo_url), ';' ORDER BY id) FROM user_photos),
			(SELECT string_agg(concat_ws(',', id, company_id, name), ';' ORDER BY id) FROM user_tags),
			(SELECT string_agg(concat_ws(',', company_id, user_id, customer_id, up), ';' ORDER BY id) FROM praises),
			(SELECT concat_ws(',', sign, mingpian_phone, is_show_phone, wechat, telephone, email, country, qr_code, popularity, praise, forward)
				FROM users WHERE id = $1))`, f.rep).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := snapshot()
	wrong := f.other
	notFound := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, ports.ErrNotFound) {
			t.Errorf("%s with another company: %v, want ErrNotFound", what, err)
		}
	}
	notFound("SetPhotoURL", f.cards.SetPhotoURL(ctx, wrong, f.rep, p.ID, "statics/evil.jpg"))
	_, err := f.cards.DeletePhoto(ctx, wrong, f.rep, p.ID)
	notFound("DeletePhoto", err)
	notFound("DeleteTag", f.cards.DeleteTag(ctx, wrong, f.rep, a.ID))
	if kept, err := f.cards.KeepTags(ctx, wrong, f.rep, []int64{a.ID}); kept != 0 || err != nil {
		t.Errorf("KeepTags with another company: kept %d %v", kept, err)
	}
	phone, show := "13900000000", false
	notFound("SaveContact", f.cards.SaveContact(ctx, wrong, f.rep, &phone, &show))
	notFound("SaveInfo", f.cards.SaveInfo(ctx, wrong, f.rep, ports.CardContact{MingpianPhone: phone, Wechat: "w"}))
	notFound("SaveSign", f.cards.SaveSign(ctx, wrong, f.rep, "evil"))
	notFound("SetQRCode", f.cards.SetQRCode(ctx, wrong, f.rep, "evil"))
	notFound("AddCounter", f.cards.AddCounter(ctx, wrong, f.rep, radar.Popularity, 1))
	_, err = f.cards.Card(ctx, wrong, f.rep, nil)
	notFound("Card", err)
	if photos, err := f.cards.Photos(ctx, wrong, f.rep); len(photos) != 0 || err != nil {
		t.Errorf("Photos with another company: %v %v", photos, err)
	}
	if tags, err := f.cards.Tags(ctx, wrong, f.rep); len(tags) != 0 || err != nil {
		t.Errorf("Tags with another company: %v %v", tags, err)
	}
	if taken, err := f.cards.TagNameTaken(ctx, wrong, f.rep, "a"); taken || err != nil {
		t.Errorf("TagNameTaken with another company: %v %v", taken, err)
	}
	if up, err := f.cards.Praise(ctx, wrong, f.rep, f.cust); up != nil || err != nil {
		t.Errorf("Praise with another company: %v %v", up, err)
	}
	if after := snapshot(); after != before {
		t.Fatalf("calls with another company changed rows:\n%s\n%s", before, after)
	}
	// The right company still reaches everything.
	if c, err := f.cards.Card(ctx, f.company, f.rep, nil); err != nil || len(c.Photos) != 1 || c.Photos[0].URL != "statics/mine.jpg" {
		t.Fatalf("card %+v %v", c, err)
	}
	if up, err := f.cards.Praise(ctx, f.company, f.rep, f.cust); up == nil || !*up || err != nil {
		t.Fatalf("praise %v %v", up, err)
	}
	if err := f.cards.DeleteTag(ctx, f.company, f.rep, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cards.DeletePhoto(ctx, f.company, f.rep, p.ID); err != nil {
		t.Fatal(err)
	}
}

// A rep's rows keep the company they were written in: after the rep moved
// from A to B, A's praise, follow-up, belonger, tag and phrase rows are
// A's; B gets rows of its own for the same (rep, customer) or name, which
// the tenant-led unique keys allow and the upserts' ON CONFLICT targets
// find.
func TestTenantKeysSeparateTheSameRepInTwoCompanies(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	phrases, followUps := postgres.NewPhrases(f.db), postgres.NewFollowUps(f.db)
	write := func(company int64) {
		t.Helper()
		for _, up := range []bool{true, false} {
			if err := f.cards.SetPraise(ctx, company, f.rep, f.cust, up); err != nil {
				t.Fatal(err)
			}
		}
		for range 2 {
			if err := f.cards.EnsureBelonger(ctx, company, f.rep, f.cust, card.SourceScan); err != nil {
				t.Fatal(err)
			}
			if _, err := followUps.Follow(ctx, company, f.rep, f.cust, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.cards.AddTag(ctx, company, &card.Tag{UserID: f.rep, Name: "同名"}); err != nil {
			t.Fatal(err)
		}
		cid, uid := company, f.rep
		if err := phrases.Create(ctx, &followup.Phrase{CompanyID: &cid, UserID: &uid, Text: "同一句"}); err != nil {
			t.Fatal(err)
		}
	}
	write(f.company)
	if _, err := f.raw.Exec(`UPDATE users SET company_id = $1 WHERE id = $2`, f.other, f.rep); err != nil {
		t.Fatal(err)
	}
	write(f.other)
	for _, table := range []string{"praises", "customer_belongers", "follow_ups", "user_tags", "phrases"} {
		if n := f.count(t, `SELECT count(DISTINCT company_id) FROM `+table+` WHERE user_id = $1`, f.rep); n != 2 {
			t.Fatalf("%s: rows in %d companies, want one each in 2", table, n)
		}
		if n := f.count(t, `SELECT count(*) FROM `+table+` WHERE user_id = $1`, f.rep); n != 2 {
			t.Fatalf("%s: %d rows, want 2", table, n)
		}
	}
	if err := f.cards.AddTag(ctx, f.other, &card.Tag{UserID: f.rep, Name: "同名"}); !errors.Is(err, ports.ErrDuplicate) {
		t.Fatalf("same tag name in the same company: %v", err)
	}
	// Each company's phrases: B's own list and duplicate check ignore A's row.
	own, total, err := phrases.Own(ctx, f.other, f.rep, ports.ListQuery{Page: paging.Page{Number: 1, Length: 10}})
	if err != nil || total != 1 || len(own) != 1 || *own[0].CompanyID != f.other {
		t.Fatalf("own phrases in B: %+v %d %v", own, total, err)
	}
	var aPhrase int64
	if err := f.raw.QueryRow(`SELECT id FROM phrases WHERE company_id = $1 AND user_id = $2`, f.company, f.rep).Scan(&aPhrase); err != nil {
		t.Fatal(err)
	}
	if err := phrases.DeleteOwn(ctx, f.other, f.rep, aPhrase); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("deleting A's phrase as a rep of B: %v", err)
	}
	if n := f.count(t, `SELECT count(*) FROM phrases WHERE id = $1`, aPhrase); n != 1 {
		t.Fatal("A's phrase deleted")
	}
	// Global phrases: everyone's, nobody's to delete.
	var global int64
	if err := f.raw.QueryRow(`SELECT id FROM phrases WHERE company_id IS NULL ORDER BY id LIMIT 1`).Scan(&global); err != nil {
		t.Fatal(err)
	}
	if err := phrases.DeleteOwn(ctx, f.other, f.rep, global); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("deleting a global phrase: %v", err)
	}
	var globalText string
	_ = f.raw.QueryRow(`SELECT text FROM phrases WHERE id = $1`, global).Scan(&globalText)
	for _, company := range []int64{f.company, f.other} {
		if taken, err := phrases.Taken(ctx, company, f.rep, globalText); !taken || err != nil {
			t.Fatalf("a global phrase is taken for everyone: %v %v", taken, err)
		}
	}
	if taken, err := phrases.Taken(ctx, f.company, f.rep2, "同一句"); taken || err != nil {
		t.Fatalf("another rep's phrase: %v %v", taken, err)
	}
}

// 00007 goes down (the keys without the company are back) and up again.
func TestTenantKeysMigrationGoesDownAndUp(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	keys := func() string {
		var s string
		if err := f.raw.QueryRow(`SELECT string_agg(conrelid::regclass || ' ' || pg_get_constraintdef(oid), '; ' ORDER BY conrelid::regclass::text)
			FROM pg_constraint WHERE contype = 'u' AND conrelid::regclass::text IN ('praises', 'follow_ups', 'customer_belongers', 'user_tags')`).
			Scan(&s); err != nil {
			t.Fatal(err)
		}
		var phrases string
		if err := f.raw.QueryRow(`SELECT pg_get_indexdef('phrases_owner_text_key'::regclass)`).Scan(&phrases); err != nil {
			t.Fatal(err)
		}
		return s + "; " + phrases
	}
	const up = "customer_belongers UNIQUE (company_id, user_id, customer_id); follow_ups UNIQUE (company_id, user_id, customer_id); " +
		"praises UNIQUE (company_id, user_id, customer_id); user_tags UNIQUE (company_id, user_id, name); " +
		"CREATE UNIQUE INDEX phrases_owner_text_key ON public.phrases USING btree (COALESCE(company_id, (0)::bigint), COALESCE(user_id, (0)::bigint), text)"
	const down = "customer_belongers UNIQUE (user_id, customer_id); follow_ups UNIQUE (user_id, customer_id); " +
		"praises UNIQUE (user_id, customer_id); user_tags UNIQUE (user_id, name); " +
		"CREATE UNIQUE INDEX phrases_owner_text_key ON public.phrases USING btree (COALESCE(user_id, (0)::bigint), text)"
	if got := keys(); got != up {
		t.Fatalf("up:\n%s\nwant\n%s", got, up)
	}
	// Rows written under the wide keys go down and up with them.
	if err := f.event(ctx, f.rep, f.cust, radar.ViewCard); err != nil {
		t.Fatal(err)
	}
	if err := f.cards.SetPraise(ctx, f.company, f.rep, f.cust, true); err != nil {
		t.Fatal(err)
	}
	migrateDownTo(t, f.db, 6)
	if got := keys(); got != down {
		t.Fatalf("down:\n%s\nwant\n%s", got, down)
	}
	if _, err := f.db.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := keys(); got != up {
		t.Fatalf("up again:\n%s\nwant\n%s", got, up)
	}
	if err := f.event(ctx, f.rep, f.cust, radar.CallPhone); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM follow_ups WHERE user_id = $1 AND customer_id = $2`, f.rep, f.cust); n != 1 {
		t.Fatalf("follow-ups %d", n)
	}
}
