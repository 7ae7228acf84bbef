package test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

func TestA6MyCardShape(t *testing.T) {
	w := newCardWorld(t)
	srv.Exec(t, `UPDATE companies SET area = '北京', address = '朝阳区' WHERE id = $1`, w.company)
	srv.Exec(t, `UPDATE users SET telephone = '010-1', email = 'a@b.cn', country = 2, wechat = 'wx', wechat_phone = '13000000000',
		mingpian_phone = '13800138000', is_show_phone = false, sign = 's' WHERE id = $1`, w.rep.ID)
	srv.Exec(t, `INSERT INTO user_photos (company_id, user_id, photo_url) VALUES ($1, $2, 'statics/p.jpg')`, w.company, w.rep.ID)
	r := srv.Get(t, w.rep, cardQY+"/mingpian", nil)
	lt.Expect(t, r, 200, "查询成功")
	var data lt.Page
	r.Decode(t, &data)
	if data.DataCount != 1 || len(data.RetData) != 1 {
		t.Fatalf("card: %s", r.Raw)
	}
	want := []string{"id", "username", "avatar", "company", "area", "address", "position", "telephone", "email", "country",
		"wechat", "wechat_phone", "is_show_phone", "mingpian_phone", "sign", "photo", "create_date"}
	if k := lt.KeysOf(data.RetData[0]); !reflect.DeepEqual(k, want) {
		t.Fatalf("keys %v", k)
	}
	var c map[string]any
	_ = json.Unmarshal(data.RetData[0], &c)
	if c["id"] != float64(w.rep.ID) || c["area"] != "北京" || c["address"] != "朝阳区" || c["country"] != "国外" ||
		c["is_show_phone"] != false || c["mingpian_phone"] != "" || c["telephone"] != "010-1" || c["sign"] != "s" ||
		string(cardJSON(c["photo"])) == "[]" {
		t.Fatalf("card: %s", r.Raw)
	}
	srv.Exec(t, `UPDATE users SET is_show_phone = true, country = 0 WHERE id = $1`, w.rep.ID)
	r = srv.Get(t, w.rep, cardQY+"/mingpian", nil)
	var items struct {
		RetData []map[string]any `json:"ret_data"`
	}
	r.Decode(t, &items)
	if items.RetData[0]["mingpian_phone"] != "13800138000" || items.RetData[0]["country"] != "" {
		t.Fatalf("shown phone: %s", r.Raw)
	}
	r = srv.Get(t, w.rep, cardQY+"/mingpian", url.Values{"username": {"nobody"}})
	if string(r.Data) != `{"ret_data":[],"data_count":0}` {
		t.Fatalf("filtered: %s", r.Raw)
	}
	lt.ExpectFields(t, srv.Get(t, w.rep, cardQY+"/mingpian", url.Values{"current_page": {"a"}}), 402, true,
		map[string]string{"current_page": "页码数据类型错误"})
	lt.Expect(t, srv.Do(t, lt.Request{Path: cardQY + "/mingpian", As: &w.rep, At: time.Now().Add(-time.Hour)}), 400, "token异常")
	srv.Exec(t, `UPDATE users SET status = 2 WHERE id = $1`, w.rep.ID)
	lt.Expect(t, srv.Get(t, w.rep, cardQY+"/mingpian", nil), 306, "账户未启用")
}

func cardUser(t *testing.T, id int64) map[string]any {
	t.Helper()
	var phone, wechat, tel, email, sign, qr string
	var show bool
	var country int
	if err := srv.DB.QueryRow(`SELECT mingpian_phone, is_show_phone, wechat, telephone, email, country, sign, qr_code FROM users WHERE id = $1`, id).
		Scan(&phone, &show, &wechat, &tel, &email, &country, &sign, &qr); err != nil {
		t.Fatal(err)
	}
	return map[string]any{"phone": phone, "show": show, "wechat": wechat, "tel": tel, "email": email, "country": country, "sign": sign, "qr": qr}
}

func TestA7E53SaveCardPhone(t *testing.T) {
	w := newCardWorld(t)
	for _, path := range []string{"/mingpian/save_phone", "/tag_user/save_phone"} {
		r := srv.Post(t, w.rep, cardQY+path, url.Values{"mingpian_phone": {"13912345678"}, "is_show_phone": {"False"}})
		lt.Expect(t, r, 200, "保存成功")
		lt.ExpectEmptyData(t, r)
		if u := cardUser(t, w.rep.ID); u["phone"] != "13912345678" || u["show"] != false {
			t.Fatalf("%s: %v", path, u)
		}
		r = srv.Post(t, w.rep, cardQY+path, url.Values{"phone": {"15012345678"}})
		lt.Expect(t, r, 200, "保存成功")
		if u := cardUser(t, w.rep.ID); u["phone"] != "15012345678" || u["show"] != false {
			t.Fatalf("%s phone alias: %v", path, u)
		}
		srv.Post(t, w.rep, cardQY+path, url.Values{"mingpian_phone": {"13912345678"}, "is_show_phone": {"1"}})
		if u := cardUser(t, w.rep.ID); u["show"] != true {
			t.Fatalf("show: %v", u)
		}
		lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+path, nil), 402, true, map[string]string{"mingpian_phone": "This field is required."})
		lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+path, url.Values{"mingpian_phone": {"12345"}}), 402, true,
			map[string]string{"mingpian_phone": "手机号码格式错误"})
		lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+path, url.Values{"phone": {"1"}}), 402, true,
			map[string]string{"phone": "手机号码格式错误"})
		lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+path, url.Values{"mingpian_phone": {"13912345678"}, "is_show_phone": {"yes"}}), 402, true,
			map[string]string{"is_show_phone": "Select a valid choice. yes is not one of the available choices."})
		lt.Expect(t, srv.Get(t, w.rep, cardQY+path, nil), 402, "请求异常")
	}
}

func TestA7SaveCardInfoAndSign(t *testing.T) {
	w := newCardWorld(t)
	admin := srv.NewUser(t, w.company, lt.CompanyAdmin, lt.Unique("admin"))
	form := url.Values{"country": {"1"}, "mingpian_phone": {"13800138000"}, "wechat": {"wx9"}, "telephone": {"010-2"},
		"email": {"x@y.cn"}, "area": {"上海"}, "address": {"浦东"}}
	r := srv.Post(t, w.rep, cardQY+"/mingpian/save_info", form)
	lt.Expect(t, r, 200, "保存成功")
	u := cardUser(t, w.rep.ID)
	if u["phone"] != "13800138000" || u["wechat"] != "wx9" || u["tel"] != "010-2" || u["email"] != "x@y.cn" || u["country"] != 1 {
		t.Fatalf("info: %v", u)
	}
	var area, address string
	_ = srv.DB.QueryRow(`SELECT area, address FROM companies WHERE id = $1`, w.company).Scan(&area, &address)
	if area != "" || address != "" {
		t.Fatalf("a member changed the company's location: %q %q", area, address)
	}
	lt.Expect(t, srv.Post(t, admin, cardQY+"/mingpian/save_info", form), 200, "保存成功")
	_ = srv.DB.QueryRow(`SELECT area, address FROM companies WHERE id = $1`, w.company).Scan(&area, &address)
	if area != "上海" || address != "浦东" {
		t.Fatalf("admin location: %q %q", area, address)
	}
	// Absent optional fields are cleared.
	lt.Expect(t, srv.Post(t, w.rep, cardQY+"/mingpian/save_info", url.Values{"country": {"2"}, "mingpian_phone": {"13800138000"}}), 200, "保存成功")
	if u := cardUser(t, w.rep.ID); u["wechat"] != "" || u["email"] != "" || u["country"] != 2 {
		t.Fatalf("cleared: %v", u)
	}
	lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+"/mingpian/save_info", url.Values{"email": {"bad"}}), 402, true, map[string]string{
		"country": "This field is required.", "mingpian_phone": "This field is required.", "email": "Enter a valid email address."})
	lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+"/mingpian/save_info", url.Values{"country": {"3"}, "mingpian_phone": {"13800138000"}}), 402, true,
		map[string]string{"country": "Select a valid choice. 3 is not one of the available choices."})
	lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+"/mingpian/save_info", url.Values{"country": {"x"}, "mingpian_phone": {"1"}}), 402, true,
		map[string]string{"country": "Enter a whole number.", "mingpian_phone": "手机号码格式错误"})

	lt.Expect(t, srv.Post(t, w.rep, cardQY+"/mingpian/save_sign", url.Values{"sign": {"<b>诚信</b> & 专业"}}), 200, "保存成功")
	if u := cardUser(t, w.rep.ID); u["sign"] != "<b>诚信</b> & 专业" {
		t.Fatalf("sign: %v", u)
	}
	r = srv.Get(t, w.cust, cardXCX+"/mingpian", cardUID(w.rep.ID))
	if !bytes.Contains(r.Raw, []byte(`"sign":"<b>诚信</b> & 专业"`)) {
		t.Fatalf("sign not served verbatim: %s", r.Raw)
	}
	lt.Expect(t, srv.Get(t, w.rep, cardQY+"/mingpian/save_sign", nil), 402, "请求异常")
}

func pngBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestA7CardPhotosUploadShowDelete(t *testing.T) {
	w := newCardWorld(t)
	img := pngBytes(t)
	r := srv.Do(t, lt.Request{Method: "POST", Path: cardQY + "/mingpian/upload_photo", As: &w.rep, Files: map[string][]byte{"photo": img}})
	lt.Expect(t, r, 200, "上传成功")
	var up struct {
		PhotoID  int64  `json:"photo_id"`
		PhotoURL string `json:"photo_url"`
	}
	r.Decode(t, &up)
	wantURL := "statics/zhugeleida/imgs/xiaochengxu/user_photo/" + id(up.PhotoID) + "_" + id(w.rep.ID) + "_photo.jpg"
	if up.PhotoURL != wantURL || !reflect.DeepEqual(lt.KeysOf(r.Data), []string{"photo_id", "photo_url"}) {
		t.Fatalf("upload: %s", r.Raw)
	}
	onDisk := filepath.Join(srv.MediaRoot, "zhugeleida/imgs/xiaochengxu/user_photo", id(up.PhotoID)+"_"+id(w.rep.ID)+"_photo.jpg")
	if b, err := os.ReadFile(onDisk); err != nil || !bytes.Equal(b, img) {
		t.Fatalf("file: %v", err)
	}
	served := srv.Do(t, lt.Request{Path: "/" + up.PhotoURL})
	if served.Status != 200 || !bytes.Equal(served.Raw, img) {
		t.Fatalf("served: %d", served.Status)
	}
	r = srv.Get(t, w.rep, cardQY+"/mingpian/show_photo", nil)
	lt.Expect(t, r, 200, "获取成功")
	if string(r.Data) != `{"ret_data":[{"id":`+id(up.PhotoID)+`,"photo_url":"`+wantURL+`"}],"user_id":"`+id(w.rep.ID)+`"}` {
		t.Fatalf("show: %s", r.Raw)
	}
	// Another rep cannot delete it.
	other := srv.NewUser(t, w.company, lt.Member, lt.Unique("rep"))
	lt.Expect(t, srv.Post(t, other, cardQY+"/mingpian/delete_photo", url.Values{"photo_id": {id(up.PhotoID)}}), 302, "删除数据不存在")
	lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+"/mingpian/delete_photo", nil), 402, true, map[string]string{"photo_id": "This field is required."})
	lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+"/mingpian/delete_photo", url.Values{"photo_id": {"x"}}), 402, true,
		map[string]string{"photo_id": "Enter a whole number."})
	r = srv.Post(t, w.rep, cardQY+"/mingpian/delete_photo", url.Values{"photo_id": {id(up.PhotoID)}})
	lt.Expect(t, r, 200, "删除成功")
	if _, err := os.Stat(onDisk); !os.IsNotExist(err) {
		t.Fatalf("file kept: %v", err)
	}
	lt.Expect(t, srv.Post(t, w.rep, cardQY+"/mingpian/delete_photo", url.Values{"photo_id": {id(up.PhotoID)}}), 302, "删除数据不存在")
	r = srv.Get(t, w.rep, cardQY+"/mingpian/show_photo", nil)
	if string(r.Data) != `{"ret_data":[],"user_id":"`+id(w.rep.ID)+`"}` {
		t.Fatalf("show empty: %s", r.Raw)
	}
	// Missing and non-image uploads write nothing.
	lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+"/mingpian/upload_photo", nil), 402, true, map[string]string{"photo": "This field is required."})
	lt.ExpectFields(t, srv.Do(t, lt.Request{Method: "POST", Path: cardQY + "/mingpian/upload_photo", As: &w.rep,
		Files: map[string][]byte{"photo": []byte("<html>not an image</html>")}}), 402, true,
		map[string]string{"photo": "Upload a valid image. The file you uploaded was either not an image or a corrupted image."})
	if n := srv.Count(t, `SELECT count(*) FROM user_photos WHERE user_id = $1`, w.rep.ID); n != 0 {
		t.Fatalf("rows %d", n)
	}
	lt.Expect(t, srv.Get(t, w.rep, cardQY+"/mingpian/upload_photo", nil), 402, "请求异常")
	lt.Expect(t, srv.Post(t, w.rep, cardQY+"/mingpian/show_photo", nil), 402, "请求异常")
}

func TestE49E52CardTags(t *testing.T) {
	w := newCardWorld(t)
	r := srv.Get(t, w.rep, cardQY+"/tag_user", nil)
	lt.Expect(t, r, 200, "")
	if string(r.Data) != `{"user_id":"`+id(w.rep.ID)+`","ret_data":[],"data_count":0}` {
		t.Fatalf("empty: %s", r.Raw)
	}
	var ids []int64
	for _, name := range []string{"有志青年", "靠谱人士", "积极少年"} {
		r = srv.Post(t, w.rep, cardQY+"/tag_user/add", url.Values{"name": {name}})
		lt.Expect(t, r, 200, "添加成功")
		var added []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		}
		r.Decode(t, &added)
		if len(added) != 1 || added[0].Name != name {
			t.Fatalf("add: %s", r.Raw)
		}
		ids = append(ids, added[0].ID)
	}
	lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+"/tag_user/add", url.Values{"name": {"有志青年"}}), 303, false,
		map[string]string{"name": "不能存在相同的标签名"})
	lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+"/tag_user/add", nil), 303, false, map[string]string{"name": "标签不能为空"})
	// The same name on another rep's card is fine.
	other := srv.NewUser(t, w.company, lt.Member, lt.Unique("rep"))
	lt.Expect(t, srv.Post(t, other, cardQY+"/tag_user/add", url.Values{"name": {"有志青年"}}), 200, "添加成功")

	r = srv.Get(t, w.rep, cardQY+"/tag_user", nil)
	want := `{"user_id":"` + id(w.rep.ID) + `","ret_data":[{"id":` + id(ids[0]) + `,"name":"有志青年"},{"id":` + id(ids[1]) +
		`,"name":"靠谱人士"},{"id":` + id(ids[2]) + `,"name":"积极少年"}],"data_count":3}`
	if string(r.Data) != want {
		t.Fatalf("list: %s", r.Data)
	}
	// E51 keeps only the listed tags of the caller.
	r = srv.Post(t, w.rep, cardQY+"/tag_user/save", url.Values{"tag_list": {"[" + id(ids[0]) + "," + id(ids[2]) + "]"}})
	lt.Expect(t, r, 200, "添加成功")
	if string(r.Data) != "[]" {
		t.Fatalf("save data: %s", r.Raw)
	}
	if n := srv.Count(t, `SELECT count(*) FROM user_tags WHERE user_id = $1`, w.rep.ID); n != 2 {
		t.Fatalf("kept %d", n)
	}
	var otherTag int64
	srv.Scalar(t, &otherTag, `SELECT id FROM user_tags WHERE user_id = $1`, other.ID)
	lt.Expect(t, srv.Post(t, w.rep, cardQY+"/tag_user/save", url.Values{"tag_list": {"[" + id(otherTag) + "]"}}), 301, "标签不存在")
	lt.Expect(t, srv.Post(t, w.rep, cardQY+"/tag_user/save", url.Values{"tag_list": {"[]"}}), 301, "标签不存在")
	lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+"/tag_user/save", nil), 301, false, map[string]string{"tag_list": "This field is required."})
	lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+"/tag_user/save", url.Values{"tag_list": {"1,2"}}), 301, false,
		map[string]string{"tag_list": "Enter a valid JSON."})
	if n := srv.Count(t, `SELECT count(*) FROM user_tags WHERE user_id IN ($1, $2)`, w.rep.ID, other.ID); n != 3 {
		t.Fatalf("refused saves changed tags: %d", n)
	}
	// E52
	lt.Expect(t, srv.Post(t, w.rep, cardQY+"/tag_user/delete", url.Values{"id": {id(otherTag)}}), 302, "标签ID不存在")
	lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+"/tag_user/delete", nil), 303, false, map[string]string{"id": "This field is required."})
	lt.ExpectFields(t, srv.Post(t, w.rep, cardQY+"/tag_user/delete", url.Values{"id": {"z"}}), 303, false, map[string]string{"id": "Enter a whole number."})
	r = srv.Post(t, w.rep, cardQY+"/tag_user/delete", url.Values{"id": {id(ids[0])}})
	lt.Expect(t, r, 200, "删除成功")
	lt.ExpectEmptyData(t, r)
	lt.Expect(t, srv.Post(t, w.rep, cardQY+"/tag_user/delete", url.Values{"id": {id(ids[0])}}), 302, "标签ID不存在")
	for _, p := range []string{"/tag_user/add", "/tag_user/save", "/tag_user/delete"} {
		lt.Expect(t, srv.Get(t, w.rep, cardQY+p, nil), 402, "请求异常")
	}
	lt.Expect(t, srv.Post(t, w.rep, cardQY+"/tag_user", nil), 402, "请求异常")
}

func TestE48QRCodeGeneratedLocallyWithoutWeChat(t *testing.T) {
	w := newCardWorld(t)
	rel := "statics/zhugeleida/imgs/xiaochengxu/qr_code/" + id(w.rep.ID) + "_qrcode.png"
	for _, method := range []string{"GET", "POST"} {
		r := srv.Do(t, lt.Request{Method: method, Path: cardQY + "/qr_code_auth", As: &w.rep})
		lt.Expect(t, r, 200, "生成小程序二维码成功")
		// The legacy's data {} plus the stored image's URL (an extra key, D1.4).
		if string(r.Data) != `{"qr_code":"`+rel+`"}` {
			t.Fatalf("data %s", r.Data)
		}
	}
	if u := cardUser(t, w.rep.ID); u["qr"] != rel {
		t.Fatalf("qr_code %v", u["qr"])
	}
	served := srv.Do(t, lt.Request{Path: "/" + rel})
	if served.Status != 200 {
		t.Fatalf("served %d", served.Status)
	}
	if _, err := png.Decode(bytes.NewReader(served.Raw)); err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
}

// Every enterprise endpoint of the card and the radar: bad signature, stale
// timestamp, disabled user and wrong method.
func TestE31E53CardAndRadarEnterpriseAuthAndMethods(t *testing.T) {
	w := newCardWorld(t)
	disabled := srv.NewUser(t, w.company, lt.Member, lt.Unique("disabled"))
	srv.Exec(t, `UPDATE users SET status = 2 WHERE id = $1`, disabled.ID)
	for _, e := range []struct {
		method, wrong, path string
	}{
		{"GET", "POST", "/mingpian"}, {"POST", "GET", "/mingpian/save_phone"}, {"POST", "GET", "/mingpian/save_info"},
		{"POST", "GET", "/mingpian/save_sign"}, {"POST", "GET", "/mingpian/upload_photo"}, {"POST", "GET", "/mingpian/delete_photo"},
		{"GET", "POST", "/mingpian/show_photo"}, {"GET", "POST", "/tag_user"}, {"POST", "GET", "/tag_user/add"},
		{"POST", "GET", "/tag_user/save"}, {"POST", "GET", "/tag_user/delete"}, {"POST", "GET", "/tag_user/save_phone"},
		{"GET", "", "/qr_code_auth"}, {"GET", "POST", "/action/time"}, {"GET", "POST", "/action/customer"},
		{"GET", "POST", "/action/count"}, {"GET", "POST", "/action/get_new_log"}, {"GET", "POST", "/action/customer_detail"},
	} {
		path := cardQY + e.path
		lt.Expect(t, srv.Do(t, lt.Request{Method: e.method, Path: path,
			RawQuery: "user_id=" + id(w.rep.ID) + "&timestamp=1&rand_str=0123456789abcdef0123456789abcdef"}), 400, "token异常")
		lt.Expect(t, srv.Do(t, lt.Request{Method: e.method, Path: path, As: &w.rep, At: time.Now().Add(-time.Hour)}), 400, "token异常")
		lt.Expect(t, srv.Do(t, lt.Request{Method: e.method, Path: path, As: &disabled}), 306, "账户未启用")
		if e.wrong != "" {
			lt.Expect(t, srv.Do(t, lt.Request{Method: e.wrong, Path: path, As: &w.rep}), 402, "请求异常")
		}
	}
}
