package card

import (
	"bytes"
	"image"
	"image/gif"
	"image/jpeg"
	pngenc "image/png"
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

// sampleImages is a 3×2 image as PNG, JPEG and GIF.
func sampleImages() (png, jpg, gifb []byte) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	var p, j, g bytes.Buffer
	_ = pngenc.Encode(&p, img)
	_ = jpeg.Encode(&j, img, nil)
	_ = gif.Encode(&g, img, nil)
	return p.Bytes(), j.Bytes(), g.Bytes()
}

// riff is a WebP container of one chunk with payload (and 8 bytes of padding).
func riff(chunk string, payload []byte) []byte {
	b := append([]byte("RIFF\x00\x00\x00\x00WEBP"+chunk+"\x00\x00\x00\x00"), payload...)
	return append(b, make([]byte, 8)...)
}

// The 3×2 image as WebP, lossless (VP8L: (3-1) | (2-1)<<14), extended
// (VP8X) and lossy (VP8), and a VP8X header 16 million pixels wide.
var (
	vp8l = riff("VP8L", []byte{0x2f, 2, 0x40, 0, 0})
	vp8x = riff("VP8X", []byte{0, 0, 0, 0, 2, 0, 0, 1, 0, 0})
	vp8  = riff("VP8 ", []byte{0, 0, 0, 0x9d, 0x01, 0x2a, 3, 0, 2, 0})
	huge = riff("VP8X", []byte{0, 0, 0, 0, 0xff, 0xff, 0xff, 0, 0, 0})
)

func TestDecodeImageHeader(t *testing.T) {
	png, jpg, gifb := sampleImages()
	for _, c := range []struct {
		name   string
		data   []byte
		format string
	}{
		{"png", png, "png"}, {"jpeg", jpg, "jpeg"}, {"gif", gifb, "gif"},
		{"webp lossless", vp8l, "webp"}, {"webp extended", vp8x, "webp"}, {"webp lossy", vp8, "webp"},
		{"png signature only", []byte("\x89PNG\r\n\x1a\nrest"), ""},
		{"jpeg marker only", []byte("\xFF\xD8\xFF\xE0rest"), ""},
		{"bmp", []byte("BM...."), ""}, {"html", []byte("<html>"), ""}, {"wechat error", []byte(`{"errcode":40001}`), ""},
		{"empty", nil, ""}, {"wave", []byte("RIFF\x00\x00\x00\x00WAVEfmt \x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"), ""},
		{"16 million pixels wide", huge, ""},
	} {
		h, ok := DecodeImageHeader(c.data)
		if ok != (c.format != "") || h.Format != c.format && ok || ok && (h.Width != 3 || h.Height != 2) {
			t.Errorf("%s: %+v %v", c.name, h, ok)
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
