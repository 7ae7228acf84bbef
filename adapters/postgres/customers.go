package postgres

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"leida/domain/customer"
	"leida/ports"
)

// companyCustomerTables are the company-owned tables holding a company's
// knowledge of a customer (company_id, customer_id): Forget deletes from each.
// Follow-up notes go with their follow-up relation. Praise rows stay: they
// are the customer's opinion of the card and back the card's praise counter.
var companyCustomerTables = []string{
	"access_logs",
	"chat_messages",
	"customer_tags",
	"customer_information",
	"customer_profiles",
	"follow_ups",
	"customer_belongers",
}

// visibleTo restricts customers aliased c to those the viewer sees (a
// belonger row in the viewer's company, the viewer's own unless the viewer
// sees the whole company).
func visibleTo(v customer.Viewer) scope {
	return func(q *gorm.DB) *gorm.DB {
		if v.WholeCompany {
			return q.Where("EXISTS (SELECT 1 FROM customer_belongers vb WHERE vb.customer_id = c.id AND vb.company_id = ?)", v.CompanyID)
		}
		return q.Where("EXISTS (SELECT 1 FROM customer_belongers vb WHERE vb.customer_id = c.id AND vb.company_id = ? AND vb.user_id = ?)",
			v.CompanyID, v.UserID)
	}
}

// Customers is the repository of what companies know about customers.
type Customers struct{ *DB }

// NewCustomers makes the repository.
func NewCustomers(db *DB) *Customers { return &Customers{db} }

// Visible finds the customer if the viewer sees it.
func (r *Customers) Visible(ctx context.Context, v customer.Viewer, id int64) (customer.Customer, error) {
	var row customerRow
	if err := r.conn(ctx).Table("customers c").Scopes(visibleTo(v)).Where("c.id = ?", id).Take(&row).Error; err != nil {
		return customer.Customer{}, translate(err)
	}
	return row.domain(), nil
}

// detailRow is a customer's identity with what the viewer's company knows.
type detailRow struct {
	Customer     customerRow `gorm:"embedded"`
	MemoName     *string
	ExpectedTime *time.Time
	ExpectedPr   *string `gorm:"column:expedted_pr"`
	SuperiorID   *int64
	SuperiorName *string
	Source       *int
	InfoID       *int64
	Phone        *string
	Email        *string
	InfoCompany  *string
	Position     *string
	Address      *string
	Birthday     *time.Time
	Mem          *string
	Outcome      int
	AiPr         *int
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Detail is the customer as the viewer's company knows it.
func (r *Customers) Detail(ctx context.Context, v customer.Viewer, id int64) (customer.Detail, error) {
	var row detailRow
	q := r.conn(ctx).Table("customers c").
		Select(`c.id, c.openid, c.user_type, c.username, c.headimgurl, c.sex, c.token, c.created_at,
			p.memo_name, p.expected_time, p.expedted_pr, p.superior_id, s.username AS superior_name,
			COALESCE(p.outcome, 0) AS outcome, p.ai_pr,
			(SELECT b.source FROM customer_belongers b WHERE b.customer_id = c.id AND b.company_id = ?
				ORDER BY (b.user_id = ?) DESC, b.id LIMIT 1) AS source,
			i.id AS info_id, i.phone, i.email, i.company AS info_company, i.position, i.address, i.birthday, i.mem`,
			v.CompanyID, v.UserID).
		Joins("LEFT JOIN customer_profiles p ON p.customer_id = c.id AND p.company_id = ?", v.CompanyID).
		Joins("LEFT JOIN customers s ON s.id = p.superior_id").
		Joins("LEFT JOIN customer_information i ON i.customer_id = c.id AND i.company_id = ?", v.CompanyID).
		Where("c.id = ?", id).Scopes(visibleTo(v))
	if err := q.Take(&row).Error; err != nil {
		return customer.Detail{}, translate(err)
	}
	d := customer.Detail{Customer: row.Customer.domain(), SuperiorName: deref(row.SuperiorName), Source: customer.SourceScan,
		Outcome: customer.Outcome(row.Outcome), AIPr: row.AiPr,
		Profile: customer.Profile{MemoName: row.MemoName, ExpectedTime: row.ExpectedTime, ExpectedPr: row.ExpectedPr, SuperiorID: row.SuperiorID}}
	if row.Source != nil {
		d.Source = customer.Source(*row.Source)
	}
	if row.InfoID != nil {
		d.Information = &customer.Information{Phone: deref(row.Phone), Email: deref(row.Email), Company: deref(row.InfoCompany),
			Position: deref(row.Position), Address: deref(row.Address), Birthday: row.Birthday, Mem: deref(row.Mem)}
	}
	d.Tags = []string{}
	err := r.conn(ctx).Table("customer_tags ct").Joins("JOIN tags t ON t.id = ct.tag_id").
		Scopes(tenant(v.CompanyID)).Where("ct.customer_id = ?", id).Order("t.id").Pluck("t.name", &d.Tags).Error
	return d, translate(err)
}

var customerSearch = listSpec{
	filters:      map[string]filterSpec{"id": {"c.id", integer}, "username": {"c.username", contains}},
	orders:       map[string]string{"create_date": "c.created_at", "id": "c.id", "username": "c.username"},
	defaultOrder: "create_date", tieBreaker: "c.id",
}

// Search lists the visible customers matching the filters.
func (r *Customers) Search(ctx context.Context, v customer.Viewer, q ports.ListQuery) ([]customer.Customer, int, error) {
	base := r.applyFilters(r.conn(ctx).Table("customers c").Scopes(visibleTo(v)), customerSearch, q.Filters)
	rows, total, err := page[customerRow](base, "c.*", customerSearch, q)
	out := make([]customer.Customer, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, total, err
}

func dateArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format("2006-01-02")
}

// SaveInformation overwrites (or creates) the company's information row.
func (r *Customers) SaveInformation(ctx context.Context, companyID, customerID int64, in customer.Information) error {
	// Raw SQL: an upsert (ON CONFLICT ... DO UPDATE).
	return translate(r.conn(ctx).Exec(`INSERT INTO customer_information
			(company_id, customer_id, phone, email, company, position, address, birthday, mem)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (company_id, customer_id) DO UPDATE SET phone = EXCLUDED.phone, email = EXCLUDED.email,
			company = EXCLUDED.company, position = EXCLUDED.position, address = EXCLUDED.address,
			birthday = EXCLUDED.birthday, mem = EXCLUDED.mem`,
		companyID, customerID, in.Phone, in.Email, in.Company, in.Position, in.Address, dateArg(in.Birthday), in.Mem).Error)
}

// profileRow is the model of customer_profiles: its fields are the columns
// the rep edits; the AI store selects and writes its own columns by name.
type profileRow struct {
	MemoName     *string
	ExpectedTime *time.Time
	ExpectedPr   *string `gorm:"column:expedted_pr"`
	SuperiorID   *int64
}

func (profileRow) TableName() string { return "customer_profiles" }

// UpdateProfile applies fn to the company's profile of the customer, creating it when missing.
func (r *Customers) UpdateProfile(ctx context.Context, companyID, customerID int64, fn func(*customer.Profile)) error {
	return r.Run(ctx, func(ctx context.Context) error {
		db := r.conn(ctx)
		// Raw SQL: an upsert (ON CONFLICT DO NOTHING) that leaves every other column to its default.
		if err := db.Exec(`INSERT INTO customer_profiles (company_id, customer_id) VALUES (?, ?)
			ON CONFLICT (company_id, customer_id) DO NOTHING`, companyID, customerID).Error; err != nil {
			return translate(err)
		}
		profile := func() *gorm.DB {
			return r.conn(ctx).Model(&profileRow{}).Scopes(tenant(companyID)).Where("customer_id = ?", customerID)
		}
		var row profileRow
		if err := profile().Select("memo_name, expected_time, expedted_pr, superior_id").
			Clauses(clause.Locking{Strength: "UPDATE"}).Find(&row).Error; err != nil {
			return translate(err)
		}
		p := customer.Profile{MemoName: row.MemoName, ExpectedTime: row.ExpectedTime, ExpectedPr: row.ExpectedPr, SuperiorID: row.SuperiorID}
		fn(&p)
		return affected(profile().Updates(map[string]any{"memo_name": p.MemoName, "expected_time": dateArg(p.ExpectedTime),
			"expedted_pr": p.ExpectedPr, "superior_id": p.SuperiorID, "updated_at": gorm.Expr("now()")}))
	})
}

// Unbind removes the user's belonger row and follow-up relation.
func (r *Customers) Unbind(ctx context.Context, companyID, userID, customerID int64) (int, error) {
	var n int64
	err := r.Run(ctx, func(ctx context.Context) error {
		db := r.conn(ctx)
		for _, table := range []string{"follow_ups", "customer_belongers"} {
			if err := db.Table(table).Scopes(tenant(companyID)).Where("user_id = ? AND customer_id = ?", userID, customerID).
				Delete(nil).Error; err != nil {
				return translate(err)
			}
		}
		return translate(db.Table("customer_belongers").Scopes(tenant(companyID)).Where("customer_id = ?", customerID).Count(&n).Error)
	})
	return int(n), err
}

// Forget removes the company's knowledge of the customer. The customer's
// follow-up relations are locked first, as every write about a (rep,
// customer) pair does, so a concurrent card event or chat message either
// finishes before or waits, never deadlocks.
func (r *Customers) Forget(ctx context.Context, companyID, customerID int64) error {
	return r.Run(ctx, func(ctx context.Context) error {
		db := r.conn(ctx)
		var locked []int64
		if err := db.Table("follow_ups").Scopes(tenant(companyID)).Where("customer_id = ?", customerID).Order("id").
			Clauses(clause.Locking{Strength: "UPDATE"}).Pluck("id", &locked).Error; err != nil {
			return translate(err)
		}
		if err := db.Model(&profileRow{}).Scopes(tenant(companyID)).Where("superior_id = ?", customerID).
			Update("superior_id", nil).Error; err != nil {
			return translate(err)
		}
		for _, table := range companyCustomerTables {
			if err := db.Table(table).Scopes(tenant(companyID)).Where("customer_id = ?", customerID).Delete(nil).Error; err != nil {
				return translate(err)
			}
		}
		return nil
	})
}

// CreateIdentity inserts a customer identity.
func (r *Customers) CreateIdentity(ctx context.Context, c *customer.Customer) error {
	row := customerRow{Openid: c.OpenID, UserType: int(c.UserType), Username: c.Username, Headimgurl: c.Headimgurl, Sex: c.Sex, Token: c.Token}
	if err := r.conn(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	c.ID, c.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// Bind creates the belonger row if missing.
func (r *Customers) Bind(ctx context.Context, companyID, userID, customerID int64, source customer.Source) error {
	return r.bindCustomer(ctx, companyID, userID, customerID, int(source))
}
