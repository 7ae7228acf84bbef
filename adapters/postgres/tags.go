package postgres

import (
	"context"
	"time"

	"leida/domain/customer"
	"leida/domain/tag"
	"leida/ports"
)

// Tags is the repository of a company's customer tags.
type Tags struct{ *DB }

// NewTags makes the repository.
func NewTags(db *DB) *Tags { return &Tags{db} }

var _ ports.TagGroupSeeder = (*Tags)(nil)

// tagRow is the model of tags (groups and tags).
type tagRow struct {
	ID        int64
	CompanyID int64
	ParentID  *int64
	UserID    *int64
	Name      string
	CreatedAt time.Time `gorm:"default:now()"`
}

func (tagRow) TableName() string { return "tags" }

// tagColumns read a tags row aliased t into a tag.Tag.
const tagColumns = "t.id, t.company_id, t.parent_id, t.user_id AS creator_id, t.name, t.created_at"

// All lists the company's tags and groups by id.
func (r *Tags) All(ctx context.Context, companyID int64) ([]tag.Tag, error) {
	var out []tag.Tag
	err := r.conn(ctx).Table("tags t").Select(tagColumns).Scopes(tenant(companyID)).Order("t.id").Find(&out).Error
	return out, translate(err)
}

var tagList = listSpec{
	filters:      map[string]filterSpec{"id": {"t.id", integer}, "name": {"t.name", contains}},
	orders:       map[string]string{"create_date": "t.created_at", "id": "t.id", "name": "t.name"},
	defaultOrder: "create_date", tieBreaker: "t.id",
}

type tagCustomerRow struct {
	TagID      int64
	ID         int64
	Headimgurl string
	Name       string
}

// WithCustomers lists the company's tags with the customers the viewer sees.
func (r *Tags) WithCustomers(ctx context.Context, v customer.Viewer, q ports.ListQuery) ([]tag.WithCustomers, error) {
	var tags []tag.Tag
	base := r.applyFilters(r.conn(ctx).Table("tags t").Select(tagColumns).Scopes(tenant(v.CompanyID)), tagList, q.Filters)
	if err := applyOrder(base, tagList, q.Order).Find(&tags).Error; err != nil {
		return nil, translate(err)
	}
	var links []tagCustomerRow
	err := r.conn(ctx).Table("customer_tags ct").
		Select("ct.tag_id, c.id, c.headimgurl, c.username AS name").
		Joins("JOIN customers c ON c.id = ct.customer_id").
		Scopes(tenant(v.CompanyID), visibleTo(v)).
		Order("ct.created_at, c.id").Find(&links).Error
	if err != nil {
		return nil, translate(err)
	}
	byTag := map[int64][]tag.CustomerRef{}
	for _, l := range links {
		byTag[l.TagID] = append(byTag[l.TagID], tag.CustomerRef{ID: l.ID, Headimgurl: l.Headimgurl, Name: l.Name})
	}
	out := make([]tag.WithCustomers, len(tags))
	for i, t := range tags {
		out[i] = tag.WithCustomers{Tag: t, Customers: byTag[t.ID]}
	}
	return out, nil
}

// NameTaken reports whether the company (or the creator, when creatorID ≠ 0) has a tag of that name.
func (r *Tags) NameTaken(ctx context.Context, companyID int64, name string, creatorID int64) (bool, error) {
	q := r.conn(ctx).Model(&tagRow{}).Scopes(tenant(companyID)).Where("name = ?", name)
	if creatorID != 0 {
		q = q.Where("user_id = ?", creatorID)
	}
	return exists(q)
}

// Group finds the company's group of that name, creating it when missing.
func (r *Tags) Group(ctx context.Context, companyID int64, name string) (tag.Tag, error) {
	db := r.conn(ctx)
	// Raw SQL: an upsert (ON CONFLICT on the partial unique index of groups).
	if err := db.Exec(`INSERT INTO tags (company_id, name) VALUES (?, ?)
		ON CONFLICT (company_id, name) WHERE parent_id IS NULL DO NOTHING`, companyID, name).Error; err != nil {
		return tag.Tag{}, translate(err)
	}
	var t tag.Tag
	err := db.Table("tags t").Select(tagColumns).Scopes(tenant(companyID)).Where("t.name = ? AND t.parent_id IS NULL", name).Take(&t).Error
	return t, translate(err)
}

// Create inserts a tag.
func (r *Tags) Create(ctx context.Context, t *tag.Tag) error {
	row := tagRow{CompanyID: t.CompanyID, ParentID: t.ParentID, UserID: t.CreatorID, Name: t.Name}
	if err := r.conn(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	t.ID, t.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// Existing keeps the ids that are tags of the company, in the given order.
func (r *Tags) Existing(ctx context.Context, companyID int64, ids []int64) ([]tag.Tag, error) {
	if len(ids) == 0 {
		return []tag.Tag{}, nil
	}
	var found []tag.Tag
	err := r.conn(ctx).Table("tags t").Select(tagColumns).Scopes(tenant(companyID)).
		Where("t.parent_id IS NOT NULL AND t.id IN ?", ids).Find(&found).Error
	if err != nil {
		return nil, translate(err)
	}
	byID := map[int64]tag.Tag{}
	for _, t := range found {
		byID[t.ID] = t
	}
	out := make([]tag.Tag, 0, len(found))
	for _, id := range ids {
		if t, ok := byID[id]; ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// Link attaches the company's tag to the customers (a tag of another
// company attaches nothing).
func (r *Tags) Link(ctx context.Context, companyID, tagID int64, customerIDs []int64) error {
	for _, cid := range customerIDs {
		// Raw SQL: an INSERT ... SELECT upsert (ON CONFLICT DO NOTHING) that checks the tag's company in the same statement.
		if err := r.conn(ctx).Exec(`INSERT INTO customer_tags (company_id, tag_id, customer_id)
			SELECT t.company_id, t.id, ? FROM tags t WHERE t.id = ? AND t.company_id = ?
			ON CONFLICT (tag_id, customer_id) DO NOTHING`, cid, tagID, companyID).Error; err != nil {
			return translate(err)
		}
	}
	return nil
}

// ReplaceCustomerTags makes the company's tags of the customer exactly tagIDs.
func (r *Tags) ReplaceCustomerTags(ctx context.Context, companyID, customerID int64, tagIDs []int64) error {
	return r.Run(ctx, func(ctx context.Context) error {
		q := r.conn(ctx).Table("customer_tags").Scopes(tenant(companyID)).Where("customer_id = ?", customerID)
		if len(tagIDs) > 0 {
			q = q.Where("tag_id NOT IN ?", tagIDs)
		}
		if err := q.Delete(nil).Error; err != nil {
			return translate(err)
		}
		for _, id := range tagIDs {
			if err := r.Link(ctx, companyID, id, []int64{customerID}); err != nil {
				return err
			}
		}
		return nil
	})
}

// EnsureDefaultGroups creates the default groups the company lacks, with their example tags.
func (r *Tags) EnsureDefaultGroups(ctx context.Context, companyID int64) error {
	return r.Run(ctx, func(ctx context.Context) error {
		for _, g := range tag.DefaultGroups() {
			var created []int64
			// Raw SQL: an upsert (ON CONFLICT on the partial unique index of groups) returning the new group only.
			if err := r.conn(ctx).Raw(`INSERT INTO tags (company_id, name) VALUES (?, ?)
				ON CONFLICT (company_id, name) WHERE parent_id IS NULL DO NOTHING RETURNING id`, companyID, g.Name).
				Scan(&created).Error; err != nil {
				return translate(err)
			}
			if len(created) == 0 {
				continue
			}
			for _, name := range g.Tags {
				t := tag.Tag{CompanyID: companyID, ParentID: &created[0], Name: name}
				if err := r.Create(ctx, &t); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
