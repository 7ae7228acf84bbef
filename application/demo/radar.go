package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"leida/domain/card"
	"leida/domain/customer"
	"leida/domain/radar"
	"leida/ports"
)

// RadarStores are what the card and radar demo data is written through (radar.go).
type RadarStores struct {
	Logins AccountRepository
	Cards  CardRepository
	Logs   AccessLogRepository
	Files  ports.FileStore
	Clock  ports.Clock
}

// demoCardTags are the labels the demo reps put on their cards.
var demoCardTags = map[string][]string{
	"王经理": {"十年老兵", "靠谱人士"}, "张聪": {"有志青年", "靠谱人士", "积极少年"}, "张炬": {"技术专家"},
	"李娜": {"大客户专家", "耐心细致"}, "赵总": {"稳健"}, "陈晨": {"理财规划", "CFP认证"}, "刘洋": {"积极少年"},
}

// demoCardPhotoColours: each listed rep gets one photo per colour.
var demoCardPhotoColours = map[string][]color.RGBA{
	"张聪": {{0x3b, 0x82, 0xf6, 0xff}, {0x10, 0xb9, 0x81, 0xff}},
	"李娜": {{0xf5, 0x9e, 0x0b, 0xff}},
	"陈晨": {{0xef, 0x44, 0x44, 0xff}, {0x8b, 0x5c, 0xf6, 0xff}},
}

// demoActionMix is the cycle of actions a demo customer goes through after
// the first card view.
var demoActionMix = []radar.Action{radar.ViewProduct, radar.ViewCard, radar.CopyWechat, radar.ViewNews, radar.Praise,
	radar.ViewCard, radar.CallPhone, radar.ForwardCard, radar.ViewWebsite, radar.SavePhone, radar.AskProduct,
	radar.ViewCard, radar.PlayVoice, radar.CopyEmail, radar.ViewProduct, radar.Praise, radar.ViewCard}

// seedRadar gives the demo reps card tags and photos, and every demo
// relation a radar history over the last two weeks: card views with their
// n-th remarks, praise toggles, forwards and the rest; events of the last
// two days stay unread. Inside the seeding transaction, after the customers.
func (s *Seeder) seedRadar(ctx context.Context) error {
	st := s.radar
	now := st.Clock.Now()
	owners := map[string]card.Owner{}
	for _, dc := range demoCompanies {
		for _, du := range dc.users {
			u, err := s.users.ByUsername(ctx, du.username)
			if err != nil {
				return fmt.Errorf("user %s: %w", du.username, err)
			}
			owners[du.username] = card.Owner{UserID: u.ID, CompanyID: u.CompanyID}
		}
	}
	for name, tags := range demoCardTags {
		for _, t := range tags {
			if err := st.Cards.AddTag(ctx, owners[name].CompanyID, &card.Tag{UserID: owners[name].UserID, Name: t}); err != nil {
				return fmt.Errorf("card tag %s: %w", t, err)
			}
		}
	}
	for name, colours := range demoCardPhotoColours {
		for _, c := range colours {
			if err := s.seedPhoto(ctx, owners[name], c); err != nil {
				return fmt.Errorf("photo of %s: %w", name, err)
			}
		}
	}
	for i, r := range demoRelations {
		customerID, err := s.demoCustomer(ctx, r.customer)
		if err != nil {
			return fmt.Errorf("demo customer %d: %w", r.customer+1, err)
		}
		if err := s.seedHistory(ctx, owners[r.rep], customerID, i, now); err != nil {
			return fmt.Errorf("radar of %s: %w", r.rep, err)
		}
	}
	return nil
}

// demoCustomer is the identity of demo customer i (customers.go), created
// here should it be missing.
func (s *Seeder) demoCustomer(ctx context.Context, i int) (int64, error) {
	openid := demoOpenID(i)
	c, err := s.radar.Logins.CustomerByOpenID(ctx, openid, customer.UserTypeMiniProgram)
	if !errors.Is(err, ports.ErrNotFound) {
		return c.ID, err
	}
	token, err := s.tokens.NewToken()
	if err != nil {
		return 0, err
	}
	c = customer.Customer{OpenID: openid, UserType: customer.UserTypeMiniProgram, Username: demoCustomerList[i].name,
		Headimgurl: customer.DefaultAvatar, Token: token}
	if err := s.radar.Logins.CreateCustomer(ctx, &c); err != nil {
		return 0, err
	}
	return c.ID, nil
}

// demoOpenID is the WeChat openid of demoCustomerList[i].
func demoOpenID(i int) string { return fmt.Sprintf("demo-openid-%d", i+1) }

func (s *Seeder) seedPhoto(ctx context.Context, o card.Owner, c color.RGBA) error {
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	p := card.Photo{UserID: o.UserID}
	if err := s.radar.Cards.AddPhoto(ctx, o.CompanyID, &p); err != nil {
		return err
	}
	file := card.PhotoFile(p.ID, o.UserID)
	if err := s.radar.Cards.SetPhotoURL(ctx, o.CompanyID, o.UserID, p.ID, card.URLOf(file)); err != nil {
		return err
	}
	return s.radar.Files.Save(ctx, file, buf.Bytes())
}

// seedHistory writes one relation's events, oldest first, as the card
// endpoints would (log, follow-up activity, counters, praise state).
func (s *Seeder) seedHistory(ctx context.Context, o card.Owner, customerID int64, i int, now time.Time) error {
	st := s.radar
	events := 14 + (i*7)%17 // 14–30 events per relation
	start := now.AddDate(0, 0, -14)
	step := now.Sub(start) / time.Duration(events+1)
	views, praised := 0, false
	var unread, read []int64
	for j := 0; j < events; j++ {
		a := radar.ViewCard
		if j > 0 {
			a = demoActionMix[(i+j)%len(demoActionMix)]
		}
		l := radar.Log{CompanyID: o.CompanyID, UserID: o.UserID, CustomerID: customerID, Action: a,
			CreatedAt: start.Add(step*time.Duration(j+1) + time.Duration((i*13+j*7)%50)*time.Minute)}
		var counter radar.Counter
		delta := 0
		switch a {
		case radar.ViewCard:
			views++
			l.Remark, counter, delta = radar.CardViewRemark(views), radar.Popularity, 1
		case radar.Praise:
			had := praised
			praised, delta, l.Remark = card.PraiseToggle(&had)
			counter = radar.Praises
			if err := st.Cards.SetPraise(ctx, o.CompanyID, o.UserID, customerID, praised); err != nil {
				return err
			}
		case radar.ForwardCard:
			l.Remark, counter, delta = radar.FixedRemark(a), radar.Forwards, 1
		default:
			l.Remark = radar.FixedRemark(a)
		}
		if err := st.Logs.Record(ctx, &l); err != nil {
			return err
		}
		if delta != 0 {
			if err := st.Cards.AddCounter(ctx, o.CompanyID, o.UserID, counter, delta); err != nil {
				return err
			}
		}
		if now.Sub(l.CreatedAt) > 48*time.Hour {
			read = append(read, l.ID)
		} else {
			unread = append(unread, l.ID)
		}
	}
	if err := st.Cards.EnsureBelonger(ctx, o.CompanyID, o.UserID, customerID, card.SourceScan); err != nil {
		return err
	}
	return st.Logs.MarkRead(ctx, o.CompanyID, o.UserID, read)
}
