package demo

import (
	"context"
	"fmt"
	"time"

	"leida/domain/customer"
	"leida/domain/followup"
	"leida/domain/tag"
	"leida/ports"
)

// CustomerStores are what the customer demo data is written through.
type CustomerStores struct {
	Customers CustomerRepository
	Tags      TagRepository
	TagGroups ports.TagGroupSeeder
	FollowUps FollowUpRepository
	Phrases   PhraseRepository
	Clock     ports.Clock
}

type demoCustomer struct {
	name string
	sex  int
}

// demoCustomerList are the demo visitors; their avatars are
// https://thirdwx.qlogo.cn/mmopen/vi_32/demo<N>/132 (N = index + 1).
var demoCustomerList = []demoCustomer{
	{"王小明", 1}, {"李思思", 2}, {"赵一鸣", 1}, {"孙悦", 2}, {"周杰", 1}, {"吴倩", 2},
	{"郑浩", 1}, {"冯雪", 2}, {"陈磊", 1}, {"褚颖", 2}, {"卫东", 1}, {"蒋琳", 2},
}

// demoRelation is what one company knows about one demo customer through one rep.
type demoRelation struct {
	company, rep string
	customer     int // index in demoCustomerList
	source       customer.Source
	expectedIn   int // days from now; 0 = none
	pr           string
	phone, email string
	employer     string
	position     string
	tags         []string
	notes        []string
	followedAgo  int // days; -1 = never
	activeAgo    int // days; -1 = never
}

var demoRelations = []demoRelation{
	{"合众康桥", "张聪", 0, customer.SourceScan, 14, "80%", "13911112222", "xiaoming@example.com", "北京云帆科技", "采购经理",
		[]string{"已婚", "在意质量", "重要客户", "爱撸串"}, []string{"客户查看了公司产品,有合作意向", "见面聊过,客户有合作意向"}, 0, 0},
	{"合众康桥", "张聪", 1, customer.SourceForward, 30, "50%", "15022223333", "sisi@example.com", "华夏文化传媒", "市场总监",
		[]string{"90后", "在意服务", "一般客户"}, []string{"计划近期安排拜访"}, 1, 0},
	{"合众康桥", "张聪", 2, customer.SourceScan, 0, "", "", "", "", "",
		[]string{"一般客户"}, nil, -1, 1},
	{"合众康桥", "张炬", 3, customer.SourceScan, 7, "90%", "18633334444", "sunyue@example.com", "京东方", "行政主管",
		[]string{"重要客户", "在意质量"}, []string{"已发报价,待客户反馈", "标记一下,需要给客户发送报价"}, 3, 2},
	{"合众康桥", "张炬", 4, customer.SourceForward, 45, "30%", "", "", "", "",
		[]string{"90后"}, []string{"曾拜访过的客户"}, 9, 6},
	{"合众康桥", "李娜", 5, customer.SourceScan, 21, "60%", "13744445555", "wuqian@example.com", "国贸中心", "财务经理",
		[]string{"已婚", "一般客户"}, []string{"意向客户,需安排拜访"}, 2, 2},
	{"合众康桥", "李娜", 6, customer.SourceScan, 0, "", "", "", "", "",
		nil, nil, -1, 12},
	{"东方银谷", "陈晨", 0, customer.SourceForward, 60, "20%", "13911112222", "", "北京云帆科技", "",
		[]string{"一般客户", "稳健型投资"}, []string{"标记一下,客户有合作意向"}, 5, 4},
	{"东方银谷", "陈晨", 7, customer.SourceScan, 10, "70%", "15955556666", "fengxue@example.com", "浦发银行", "客户经理",
		[]string{"重要客户", "稳健型投资"}, []string{"见面聊过,客户有合作意向", "已发报价,待客户反馈"}, 0, 1},
	{"东方银谷", "陈晨", 8, customer.SourceScan, 0, "", "", "", "", "",
		[]string{"90后"}, nil, -1, 3},
	{"东方银谷", "刘洋", 9, customer.SourceForward, 5, "85%", "18866667777", "chuying@example.com", "陆家嘴金融城", "投资总监",
		[]string{"重要客户", "在意服务"}, []string{"计划近期安排拜访", "已成交客户,维护好后续关系"}, 1, 0},
	{"东方银谷", "刘洋", 10, customer.SourceScan, 0, "40%", "", "", "", "",
		[]string{"一般客户"}, []string{"曾拜访过的客户"}, 16, 8},
	{"东方银谷", "刘洋", 11, customer.SourceScan, 25, "55%", "13677778888", "jianglin@example.com", "上海中心", "人事经理",
		[]string{"已婚", "在意质量"}, []string{"客户多次查看小程序,合作意向强烈"}, 4, 4},
}

// demoCustomTags are custom tags (under 自定义) and the rep who created them.
var demoCustomTags = []struct{ company, rep, name string }{
	{"合众康桥", "张聪", "爱撸串"},
	{"东方银谷", "陈晨", "稳健型投资"},
}

// demoPhrases are personal canned phrases.
var demoPhrases = []struct{ rep, text string }{
	{"张聪", "客户周末有空,可约咖啡"},
	{"张聪", "已寄送样品,待客户试用"},
	{"陈晨", "客户关注年化收益,需准备对比方案"},
}

// seedCustomers loads the address books of the demo companies (inside the
// seeding transaction, after the organisation).
func (s *Seeder) seedCustomers(ctx context.Context) error {
	st := s.customers
	now := st.Clock.Now()
	companyIDs := map[string]int64{}
	userIDs := map[string]int64{}
	for _, dc := range demoCompanies {
		c, err := s.companies.ByName(ctx, dc.name)
		if err != nil {
			return err
		}
		companyIDs[dc.name] = c.ID
		if err := st.TagGroups.EnsureDefaultGroups(ctx, c.ID); err != nil {
			return err
		}
		for _, du := range dc.users {
			u, err := s.users.ByUsername(ctx, du.username)
			if err != nil {
				return fmt.Errorf("user %s: %w", du.username, err)
			}
			userIDs[du.username] = u.ID
		}
	}
	tagIDs := map[string]map[string]int64{} // company → name → id
	for name, cid := range companyIDs {
		tagIDs[name] = map[string]int64{}
		all, err := st.Tags.All(ctx, cid)
		if err != nil {
			return err
		}
		for _, t := range all {
			if !t.IsGroup() {
				tagIDs[name][t.Name] = t.ID
			}
		}
	}
	for _, ct := range demoCustomTags {
		group, err := st.Tags.Group(ctx, companyIDs[ct.company], tag.GroupCustom)
		if err != nil {
			return err
		}
		creator := userIDs[ct.rep]
		t := tag.Tag{CompanyID: companyIDs[ct.company], ParentID: &group.ID, CreatorID: &creator, Name: ct.name}
		if err := st.Tags.Create(ctx, &t); err != nil {
			return err
		}
		tagIDs[ct.company][ct.name] = t.ID
	}
	ids := make([]int64, len(demoCustomerList))
	for i, dc := range demoCustomerList {
		token, err := s.tokens.NewToken()
		if err != nil {
			return err
		}
		c := customer.Customer{OpenID: fmt.Sprintf("demo-openid-%d", i+1), UserType: customer.UserTypeMiniProgram,
			Username: dc.name, Headimgurl: fmt.Sprintf("https://thirdwx.qlogo.cn/mmopen/vi_32/demo%d/132", i+1), Sex: dc.sex, Token: token}
		if err := st.Customers.CreateIdentity(ctx, &c); err != nil {
			return fmt.Errorf("customer %s: %w", dc.name, err)
		}
		ids[i] = c.ID
	}
	for i, r := range demoRelations {
		if err := s.seedRelation(ctx, r, companyIDs[r.company], userIDs[r.rep], ids[r.customer], tagIDs[r.company], now, i); err != nil {
			return fmt.Errorf("customer %s of %s: %w", demoCustomerList[r.customer].name, r.rep, err)
		}
	}
	for _, p := range demoPhrases {
		uid := userIDs[p.rep]
		var cid int64
		for _, dc := range demoCompanies {
			for _, du := range dc.users {
				if du.username == p.rep {
					cid = companyIDs[dc.name]
				}
			}
		}
		if err := st.Phrases.Create(ctx, &followup.Phrase{CompanyID: &cid, UserID: &uid, Text: p.text}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Seeder) seedRelation(ctx context.Context, r demoRelation, companyID, userID, customerID int64, tags map[string]int64,
	now time.Time, i int) error {
	st := s.customers
	if err := st.Customers.Bind(ctx, companyID, userID, customerID, r.source); err != nil {
		return err
	}
	err := st.Customers.UpdateProfile(ctx, companyID, customerID, func(p *customer.Profile) {
		if r.expectedIn > 0 {
			y, m, d := now.AddDate(0, 0, r.expectedIn).Date()
			day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
			p.ExpectedTime = &day
		}
		if r.pr != "" {
			pr := r.pr
			p.ExpectedPr = &pr
		}
	})
	if err != nil {
		return err
	}
	if r.phone != "" || r.employer != "" {
		info := customer.Information{Phone: r.phone, Email: r.email, Company: r.employer, Position: r.position,
			Mem: "演示数据"}
		if err := st.Customers.SaveInformation(ctx, companyID, customerID, info); err != nil {
			return err
		}
	}
	var tagIDs []int64
	for _, name := range r.tags {
		if id, ok := tags[name]; ok {
			tagIDs = append(tagIDs, id)
		}
	}
	if err := st.Tags.ReplaceCustomerTags(ctx, companyID, customerID, tagIDs); err != nil {
		return err
	}
	// Times spread over the last weeks, at varied hours.
	at := func(daysAgo int) time.Time {
		return now.AddDate(0, 0, -daysAgo).Add(-time.Duration(i%5) * 37 * time.Minute)
	}
	if r.activeAgo >= 0 {
		if err := st.FollowUps.SetActivity(ctx, companyID, userID, customerID, at(r.activeAgo)); err != nil {
			return err
		}
	}
	if r.followedAgo >= 0 {
		for j, note := range r.notes {
			when := at(r.followedAgo + len(r.notes) - 1 - j)
			id, err := st.FollowUps.Follow(ctx, companyID, userID, customerID, when)
			if err != nil {
				return err
			}
			if err := st.FollowUps.AddNote(ctx, companyID, id, note, when); err != nil {
				return err
			}
		}
	}
	return nil
}
