package card

import (
	"testing"

	"leida/domain/radar"
)

func TestPraiseToggle(t *testing.T) {
	yes, no := true, false
	for _, c := range []struct {
		name   string
		had    *bool
		up     bool
		delta  int
		remark string
	}{
		{"first praise", nil, true, 1, radar.RemarkPraiseOn},
		{"withdraw", &yes, false, -1, "取消对你的靠谱评价"},
		{"praise again", &no, true, 1, "觉得您非常靠谱"},
	} {
		up, delta, remark := PraiseToggle(c.had)
		if up != c.up || delta != c.delta || remark != c.remark {
			t.Errorf("%s: %v %d %q", c.name, up, delta, remark)
		}
	}
}

func TestMediaPaths(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{QRCodeFile(7, false), "zhugeleida/imgs/xiaochengxu/qr_code/7_qrcode.jpg"},
		{QRCodeFile(7, true), "zhugeleida/imgs/xiaochengxu/qr_code/7_qrcode.png"},
		{PhotoFile(3, 7), "zhugeleida/imgs/xiaochengxu/user_photo/3_7_photo.jpg"},
		{URLOf("a/b.jpg"), "statics/a/b.jpg"},
		{FileOf("statics/a/b.jpg"), "a/b.jpg"},
		{FileOf("http://x/y.jpg"), ""},
		{FileOf("statics/"), ""},
		{PagePath(DefaultPagePath, 42), "pages/mingpian/index?uid=42&source=1"},
		{PagePath("https://f/{uid}/x?u={uid}", 5), "https://f/5/x?u=5"},
		{PagePath("no placeholder", 5), "no placeholder"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestIsImage(t *testing.T) {
	for _, c := range []struct {
		data string
		want bool
	}{
		{"\xFF\xD8\xFF\xE0rest", true},
		{"\x89PNG\r\n\x1a\nrest", true},
		{"GIF89a...", true},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", true},
		{"BM....", true},
		{"<html>", false},
		{`{"errcode":40001}`, false},
		{"", false},
		{"RIFF\x00\x00\x00\x00WAVE", false},
	} {
		if got := IsImage([]byte(c.data)); got != c.want {
			t.Errorf("IsImage(%q) = %v", c.data, got)
		}
	}
}

func TestCardLabels(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Card{Country: 1}.CountryLabel(), "国内"},
		{Card{Country: 2}.CountryLabel(), "国外"},
		{Card{}.CountryLabel(), ""},
		{Card{MingpianPhone: "138", IsShowPhone: true}.ShownPhone(), "138"},
		{Card{MingpianPhone: "138"}.ShownPhone(), ""},
		{SourceLabel(1), "扫码"},
		{SourceLabel(2), "转发"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
