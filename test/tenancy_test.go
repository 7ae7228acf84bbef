package test

import (
	"encoding/json"
	"net/url"
	"testing"

	lt "leida/test/leidatest"
)

// Issue 9.13: every card and phrase statement carries the caller's company.

// tenantRows is every card and phrase row of a company, as text, to compare.
func tenantRows(t *testing.T, company int64) string {
	t.Helper()
	var s string
	srv.Scalar(t, &s, `SELECT concat_ws(' | ',
		(SELECT string_agg(concat_ws(',', id, user_id, photo_url), ';' ORDER BY id) FROM user_photos WHERE company_id = $1),
		(SELECT string_agg(concat_ws(',', id, user_id, name), ';' ORDER BY id) FROM user_tags WHERE company_id = $1),
		(SELECT string_agg(concat_ws(',', id, user_id, text), ';' ORDER BY id) FROM phrases WHERE company_id = $1),
		(SELECT string_agg(concat_ws(',', user_id, customer_id, up), ';' ORDER BY id) FROM praises WHERE company_id = $1))`, company)
	return s
}

type cardPhotoRef struct {
	PhotoID int64 `json:"photo_id"`
}

func uploadCardPhoto(t *testing.T, rep lt.Principal) int64 {
	t.Helper()
	r := srv.Do(t, lt.Request{Method: "POST", Path: cardQY + "/mingpian/upload_photo", As: &rep, Files: map[string][]byte{"photo": pngBytes(t)}})
	lt.Expect(t, r, 200, "上传成功")
	var p cardPhotoRef
	r.Decode(t, &p)
	return p.PhotoID
}

func addCardTag(t *testing.T, rep lt.Principal, name string) int64 {
	t.Helper()
	r := srv.Post(t, rep, cardQY+"/tag_user/add", url.Values{"name": {name}})
	lt.Expect(t, r, 200, "添加成功")
	var added []struct {
		ID int64 `json:"id"`
	}
	r.Decode(t, &added)
	return added[0].ID
}

func addPhrase(t *testing.T, rep lt.Principal, text string) int64 {
	t.Helper()
	lt.Expect(t, srv.Post(t, rep, qyPath+"follow_language/add/0", url.Values{"custom_language": {text}}), 200, "添加成功")
	var id int64
	srv.Scalar(t, &id, `SELECT id FROM phrases WHERE user_id = $1 AND text = $2 ORDER BY id DESC LIMIT 1`, rep.ID, text)
	return id
}

// expectForeignIDsRefused: the caller names card photo, tag and phrase ids
// that are not its company's; each endpoint answers its not-found code.
func expectForeignIDsRefused(t *testing.T, caller lt.Principal, photo, tag, phrase int64) {
	t.Helper()
	lt.Expect(t, srv.Post(t, caller, cardQY+"/mingpian/delete_photo", url.Values{"photo_id": {id(photo)}}), 302, "删除数据不存在")
	lt.Expect(t, srv.Post(t, caller, cardQY+"/tag_user/delete", url.Values{"id": {id(tag)}}), 302, "标签ID不存在")
	lt.Expect(t, srv.Post(t, caller, cardQY+"/tag_user/save", url.Values{"tag_list": {"[" + id(tag) + "]"}}), 301, "标签不存在")
	lt.Expect(t, srv.Post(t, caller, qyPath+"follow_language/delete/"+id(phrase), nil), 302, "ID不存在")
}

func TestCardAndPhraseIDsOfAnotherCompanyAreNotFound(t *testing.T) {
	a, b := newCardWorld(t), newCardWorld(t)
	photo, tag, phrase := uploadCardPhoto(t, b.rep), addCardTag(t, b.rep, "别家标签"), addPhrase(t, b.rep, "别家话术")
	before := tenantRows(t, b.company)
	expectForeignIDsRefused(t, a.rep, photo, tag, phrase)
	if after := tenantRows(t, b.company); after != before {
		t.Fatalf("another company's rows changed:\n%s\n%s", before, after)
	}
}

// A rep moved to another company (E04) keeps no reach into the rows written
// for the old one: they are that company's. The old ids answer not-found,
// nothing of the old company changes, and the rep starts afresh in the new
// company (the same tag name and phrase are free there; the old praise is
// not the new company's).
func TestRepMovedToAnotherCompanyReachesOnlyItsNewCompanysRows(t *testing.T) {
	w := newCardWorld(t)
	newCompany := srv.NewCompany(t, lt.Unique("新东家"))
	photo, tag, phrase := uploadCardPhoto(t, w.rep), addCardTag(t, w.rep, "老标签"), addPhrase(t, w.rep, "老话术")
	lt.Expect(t, srv.Get(t, w.cust, cardXCX+"/mingpian/praise", cardUID(w.rep.ID)), 200, "记录日志成功")
	old := tenantRows(t, w.company)
	var name string
	srv.Scalar(t, &name, `SELECT username FROM users WHERE id = $1`, w.rep.ID)
	lt.Expect(t, srv.Post(t, srv.Admin, "/zhugeleida/qiyeweixin/user/update/"+id(w.rep.ID),
		url.Values{"username": {name}, "company_id": {id(newCompany)}}), 200, "修改成功")

	r := srv.Get(t, w.rep, cardQY+"/mingpian/show_photo", nil)
	lt.Expect(t, r, 200, "获取成功")
	if string(r.Data) != `{"ret_data":[],"user_id":"`+id(w.rep.ID)+`"}` {
		t.Fatalf("the old company's photos: %s", r.Raw)
	}
	r = srv.Get(t, w.rep, cardQY+"/tag_user", nil)
	if string(r.Data) != `{"user_id":"`+id(w.rep.ID)+`","ret_data":[],"data_count":0}` {
		t.Fatalf("the old company's tags: %s", r.Raw)
	}
	if texts, d := phraseTexts(t, w.rep, nil); d.DataCount != 0 || len(texts) != len(globalPhrasesNewestFirst) {
		t.Fatalf("the old company's phrases: %v", texts)
	}
	expectForeignIDsRefused(t, w.rep, photo, tag, phrase)
	var card struct {
		RetData []struct {
			IsUpDown bool            `json:"is_up_down"`
			Photo    json.RawMessage `json:"photo"`
		} `json:"ret_data"`
	}
	srv.Get(t, w.cust, cardXCX+"/mingpian", cardUID(w.rep.ID)).Decode(t, &card)
	if len(card.RetData) != 1 || card.RetData[0].IsUpDown || string(card.RetData[0].Photo) != "[]" {
		t.Fatalf("the card in the new company shows the old company's praise or photos: %+v", card)
	}
	if now := tenantRows(t, w.company); now != old {
		t.Fatalf("the old company's rows changed:\n%s\n%s", old, now)
	}
	// The new company's rows are the rep's own again.
	newTag, newPhrase := addCardTag(t, w.rep, "老标签"), addPhrase(t, w.rep, "老话术")
	lt.Expect(t, srv.Post(t, w.rep, cardQY+"/tag_user/delete", url.Values{"id": {id(newTag)}}), 200, "删除成功")
	lt.Expect(t, srv.Post(t, w.rep, qyPath+"follow_language/delete/"+id(newPhrase), nil), 200, "删除成功")
	if now := tenantRows(t, w.company); now != old {
		t.Fatalf("the old company's rows changed:\n%s\n%s", old, now)
	}
}
