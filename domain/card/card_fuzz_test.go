package card

import (
	"bytes"
	"image"
	"testing"
)

// FuzzDecodeImageHeader: the uploaded photo's header check
// never panics; an accepted upload is a PNG, JPEG, GIF or WebP of 1 to
// MaxPhotoSide pixels a side, whose header says so (image.DecodeConfig, or
// the RIFF/WEBP container); bytes after the header change nothing.
func FuzzDecodeImageHeader(f *testing.F) {
	png, jpg, gifb := sampleImages()
	for _, seed := range [][]byte{
		png, jpg, gifb, vp8l, vp8x, vp8,
		riff("VP8 ", []byte{0, 0, 0, 0x9d, 0x01, 0x2a, 0, 0, 0, 0}), // 0×0
		huge,
		riff("VP8X", []byte{0, 0, 0, 0, 0x0f, 0x27, 0, 0x0f, 0x27, 0}), // 10000×10000
		riff("VP8X", []byte{0, 0, 0, 0, 0x10, 0x27, 0, 0, 0, 0}),       // 10001 wide
		[]byte("RIFF\x00\x00\x00\x00WEBPVP8X"), []byte("RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f"),
		[]byte("\x89PNG\r\n\x1a\nrest"), []byte("\xFF\xD8\xFF\xE0rest"), []byte("GIF89a\x03\x00\x02\x00"),
		[]byte("BM...."), []byte("<html>"), []byte(`{"errcode":40001}`), nil,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, ok := DecodeImageHeader(data)
		if !ok {
			return
		}
		if h.Width < 1 || h.Height < 1 || h.Width > MaxPhotoSide || h.Height > MaxPhotoSide {
			t.Fatalf("accepted %+v", h)
		}
		switch h.Format {
		case "png", "jpeg", "gif":
			cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
			if err != nil || format != h.Format || cfg.Width != h.Width || cfg.Height != h.Height {
				t.Fatalf("accepted %+v; DecodeConfig says %+v %q %v", h, cfg, format, err)
			}
		case "webp":
			if len(data) < 30 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
				t.Fatalf("accepted %+v without a RIFF/WEBP header", h)
			}
		default:
			t.Fatalf("accepted format %q", h.Format)
		}
		longer := append(append([]byte(nil), data...), "trailing bytes\x00\xff"...)
		if h2, ok2 := DecodeImageHeader(longer); !ok2 || h2 != h {
			t.Fatalf("%+v, but with bytes after it %+v %v", h, h2, ok2)
		}
	})
}
