// Package tag holds the customer tags of a company: groups (tags without a
// parent) and the tags under them.
package tag

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MsgTagMissing answers a tag id that is not one of the company's (E24).
const MsgTagMissing = "标签不存在"

// Group names every company has.
const (
	GroupBasic    = "基本功能"
	GroupConcerns = "关注点"
	GroupLevel    = "级别"
	GroupCustom   = "自定义"
)

// DefaultGroup is a group created for every company, with its example tags.
type DefaultGroup struct {
	Name string
	Tags []string
}

// DefaultGroups are the groups (and example tags of the API document) every
// company starts with, in order. Custom tags are the reps' own, so 自定义
// starts empty. Keep in step with migrations/00002_customers.sql.
func DefaultGroups() []DefaultGroup {
	return []DefaultGroup{
		{GroupBasic, []string{"已婚", "90后"}},
		{GroupConcerns, []string{"在意质量", "在意服务"}},
		{GroupLevel, []string{"一般客户", "重要客户"}},
		{GroupCustom, nil},
	}
}

// Tag is a customer tag, or a group when ParentID is nil.
type Tag struct {
	ID        int64
	CompanyID int64
	ParentID  *int64
	CreatorID *int64
	Name      string
	CreatedAt time.Time
}

// IsGroup reports whether the tag is a group header.
func (t Tag) IsGroup() bool { return t.ParentID == nil }

// Group is a group header with its tags (E21).
type Group struct {
	ID   int64
	Name string
	Tags []Tag
}

// BuildGroups arranges a company's tags: every group in id order, each with
// its direct children in id order. Empty groups are kept.
func BuildGroups(all []Tag) []Group {
	sorted := append([]Tag(nil), all...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	var groups []Group
	index := map[int64]int{}
	for _, t := range sorted {
		if t.IsGroup() {
			index[t.ID] = len(groups)
			groups = append(groups, Group{ID: t.ID, Name: t.Name, Tags: []Tag{}})
		}
	}
	for _, t := range sorted {
		if t.IsGroup() {
			continue
		}
		if i, ok := index[*t.ParentID]; ok {
			groups[i].Tags = append(groups[i].Tags, t)
		}
	}
	return groups
}

// CustomerRef is a customer as tag lists show it.
type CustomerRef struct {
	ID         int64
	Headimgurl string
	Name       string
}

// WithCustomers is a tag with the customers carrying it (E20, A2).
type WithCustomers struct {
	Tag
	Customers []CustomerRef
}

// KeepTagged drops tags without customers and sorts the rest by number of
// customers, most first; ties keep their order (the legacy's stable sort).
func KeepTagged(list []WithCustomers) []WithCustomers {
	out := make([]WithCustomers, 0, len(list))
	for _, t := range list {
		if len(t.Customers) > 0 {
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Customers) > len(out[j].Customers) })
	return out
}

// SearchLimit is how many tags A2 (search/get_tag) returns.
const SearchLimit = 9

// ParseIDList reads a list of ids sent as one form field holding a JSON
// array ("[1,2]", numbers or numeric strings). With lenient, several values
// (repeated keys) and comma-separated lists ("1,2") are accepted too (E24).
// ok is false when a value is not such a list.
func ParseIDList(values []string, lenient bool) (ids []int64, ok bool) {
	if len(values) == 0 {
		return nil, false
	}
	if !lenient {
		values = values[len(values)-1:]
	}
	ids = []int64{}
	for _, v := range values {
		part, ok := parseOne(v, lenient)
		if !ok {
			return nil, false
		}
		ids = append(ids, part...)
	}
	return Unique(ids), true
}

func parseOne(v string, lenient bool) ([]int64, bool) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "[") {
		var raw []json.RawMessage
		if err := json.Unmarshal([]byte(v), &raw); err != nil {
			return nil, false
		}
		out := make([]int64, 0, len(raw))
		for _, r := range raw {
			s := strings.Trim(string(r), `"`)
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil {
				return nil, false
			}
			out = append(out, n)
		}
		return out, true
	}
	if !lenient {
		return nil, false
	}
	if v == "" {
		return []int64{}, true
	}
	var out []int64
	for _, s := range strings.Split(v, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// Unique keeps the first occurrence of every id.
func Unique(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
