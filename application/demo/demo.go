// Package demo loads a small, realistic demo data set (`leida seed --demo`).
package demo

import (
	"context"
	"errors"
	"fmt"

	"leida/domain/customer"
	"leida/domain/org"
	"leida/ports"
)

// Seeder writes the demo data once.
type Seeder struct {
	tx        ports.TxRunner
	roles     RoleRepository
	companies CompanyRepository
	users     UserRepository
	perms     PermissionRepository
	hasher    ports.PasswordHasher
	tokens    ports.TokenSource
	customers CustomerStores // customers.go
	radar     RadarStores    // radar.go
	chats     ChatStores     // chats.go
}

// NewSeeder wires the seeder.
func NewSeeder(tx ports.TxRunner, roles RoleRepository, companies CompanyRepository, users UserRepository,
	perms PermissionRepository, hasher ports.PasswordHasher, tokens ports.TokenSource, customers CustomerStores,
	radar RadarStores, chats ChatStores) *Seeder {
	return &Seeder{tx: tx, roles: roles, companies: companies, users: users, perms: perms, hasher: hasher, tokens: tokens,
		customers: customers, radar: radar, chats: chats}
}

// Marker is the company whose presence means the demo is loaded.
const Marker = "东方银谷"

type demoUser struct {
	username, position, phone, wechat, email, sign string
	level                                          org.Level
}

var demoCompanies = []struct {
	name, area, address string
	users               []demoUser
}{
	{"合众康桥", "北京", "北京市朝阳区建国路88号SOHO现代城", []demoUser{
		{"王经理", "销售总监", "13800138001", "wang_sales", "wang@hezhong.example", "专注企业服务十年", org.LevelCompanyAdmin},
		{"张聪", "销售经理", "13912345678", "zhangcong", "zhangcong@hezhong.example", "用心服务每一位客户", org.LevelMember},
		{"张炬", "客户经理", "15012345678", "zhangju", "zhangju@hezhong.example", "", org.LevelMember},
		{"李娜", "大客户代表", "18612345678", "lina_biz", "lina@hezhong.example", "成就客户,成就自己", org.LevelMember},
	}},
	{Marker, "上海", "上海市浦东新区陆家嘴环路1000号", []demoUser{
		{"赵总", "总经理", "13700137000", "zhao_ceo", "zhao@dongfang.example", "", org.LevelCompanyAdmin},
		{"陈晨", "理财顾问", "13601360136", "chenchen", "chen@dongfang.example", "稳健理财,值得信赖", org.LevelMember},
		{"刘洋", "理财顾问", "15901590159", "liuyang", "liu@dongfang.example", "", org.LevelMember},
	}},
}

var demoMenu = []struct {
	path, icon, title, component string
	children                     [][3]string // path, title, component
}{
	{"/radar", "ios-pulse", "AI雷达", "Main", [][3]string{
		{"/radar/time", "时间线", "radar/time"}, {"/radar/customer", "按客户", "radar/customer"}, {"/radar/count", "按行为", "radar/count"},
	}},
	{"/customer", "ios-people", "客户管理", "Main", [][3]string{
		{"/customer/list", "通讯录", "customer/list"}, {"/customer/tag", "客户标签", "customer/tag"},
	}},
	{"/system", "ios-settings", "系统管理", "Main", [][3]string{
		{"/system/user", "用户管理", "system/user"}, {"/system/role", "角色管理", "system/role"},
		{"/system/quanxian", "权限管理", "system/quanxian"}, {"/system/company", "公司管理", "system/company"},
	}},
}

// Guide names whom to try the demo as (`make run` prints a signed curl
// line for each): a rep with customers, radar history and chats, and one of
// that rep's mini-program customers, who has chatted with the rep.
type Guide struct {
	RepID        int64  `json:"rep_user_id"`
	RepName      string `json:"rep_username"`
	CustomerID   int64  `json:"customer_id"`
	CustomerName string `json:"customer_username"`
}

// guideRelation is the demoRelations entry Guide presents (张聪 and 王小明:
// customers, radar history and a conversation).
const guideRelation = 0

// Guide finds the demo's rep and customer (the demo must be loaded).
func (s *Seeder) Guide(ctx context.Context) (Guide, error) {
	r := demoRelations[guideRelation]
	rep, err := s.users.ByUsername(ctx, r.rep)
	if err != nil {
		return Guide{}, ports.NotFoundAs(err, fmt.Errorf("demo rep %s not found: run leida seed --demo", r.rep))
	}
	c, err := s.radar.Logins.CustomerByOpenID(ctx, demoOpenID(r.customer), customer.UserTypeMiniProgram)
	if err != nil {
		return Guide{}, ports.NotFoundAs(err, fmt.Errorf("demo customer %s not found: run leida seed --demo", demoCustomerList[r.customer].name))
	}
	return Guide{RepID: rep.ID, RepName: rep.Username, CustomerID: c.ID, CustomerName: c.Username}, nil
}

// Seed loads the demo data unless it is already there; it reports whether it wrote.
func (s *Seeder) Seed(ctx context.Context) (bool, error) {
	if _, err := s.companies.ByName(ctx, Marker); err == nil {
		return false, nil
	} else if !errors.Is(err, ports.ErrNotFound) {
		return false, err
	}
	err := s.tx.Run(ctx, func(ctx context.Context) error {
		roles := map[org.Level]org.Role{}
		for _, r := range org.BuiltinRoles() {
			got, err := s.roles.ByName(ctx, r.Name)
			if errors.Is(err, ports.ErrNotFound) {
				got = r
				err = s.roles.Create(ctx, &got)
			}
			if err != nil {
				return err
			}
			roles[r.Level] = got
		}
		if err := s.seedOrganisation(ctx, roles); err != nil {
			return err
		}
		if err := s.seedCustomers(ctx); err != nil {
			return fmt.Errorf("customers: %w", err)
		}
		if err := s.seedRadar(ctx); err != nil {
			return fmt.Errorf("radar: %w", err)
		}
		if err := s.seedChats(ctx); err != nil {
			return fmt.Errorf("chats: %w", err)
		}
		return s.seedMenu(ctx)
	})
	return err == nil, err
}

func (s *Seeder) seedOrganisation(ctx context.Context, roles map[org.Level]org.Role) error {
	for _, dc := range demoCompanies {
		c, err := s.companies.ByName(ctx, dc.name)
		if errors.Is(err, ports.ErrNotFound) {
			c = org.Company{Name: dc.name}
			err = s.companies.Create(ctx, &c)
		}
		if err != nil {
			return fmt.Errorf("company %s: %w", dc.name, err)
		}
		c.Area, c.Address = dc.area, dc.address
		if err := s.companies.Save(ctx, c); err != nil {
			return err
		}
		for _, du := range dc.users {
			if taken, err := s.users.UsernameTaken(ctx, du.username, 0); err != nil || taken {
				if err != nil {
					return err
				}
				continue
			}
			// Demo users sign requests with `leida sign`; their passwords are random and unknown.
			pw, err := s.tokens.NewToken()
			if err != nil {
				return err
			}
			hash, err := s.hasher.Hash(pw)
			if err != nil {
				return err
			}
			token, err := s.tokens.NewToken()
			if err != nil {
				return err
			}
			u := org.User{CompanyID: c.ID, Username: du.username, PasswordHash: hash, Gender: 1, Position: du.position,
				RoleID: roles[du.level].ID, Phone: du.phone, WechatPhone: du.phone, MingpianPhone: du.phone, IsShowPhone: true,
				Wechat: du.wechat, Email: du.email, Country: 1, Token: token, Avatar: org.DefaultUserAvatar,
				Status: org.StatusEnabled, Sign: du.sign}
			if err := s.users.Create(ctx, &u); err != nil {
				return fmt.Errorf("user %s: %w", du.username, err)
			}
		}
	}
	return nil
}

func (s *Seeder) seedMenu(ctx context.Context) error {
	for i, m := range demoMenu {
		if taken, err := s.perms.PathTaken(ctx, m.path, 0); err != nil || taken {
			if err != nil {
				return err
			}
			continue
		}
		root := org.Permission{Path: m.path, Icon: m.icon, Title: m.title, OrderNum: i + 1, Component: m.component}
		if err := s.perms.Create(ctx, &root); err != nil {
			return err
		}
		for j, ch := range m.children {
			p := org.Permission{Path: ch[0], Title: ch[1], Component: ch[2], OrderNum: j + 1, ParentID: &root.ID}
			if err := s.perms.Create(ctx, &p); err != nil {
				return err
			}
		}
	}
	return nil
}
