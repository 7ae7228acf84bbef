package qrcode

import (
	"bytes"
	"image"
	"image/color"
	_ "image/png"
	"testing"
)

func TestPNGDecodesAsSquarePNG(t *testing.T) {
	for _, size := range []int{128, 256, 430} {
		data, err := Local{}.PNG("http://127.0.0.1:8000/zhugeleida/mingpian?uid=7&source=1", size)
		if err != nil {
			t.Fatal(err)
		}
		img, format, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("size %d: decode: %v", size, err)
		}
		if format != "png" {
			t.Fatalf("format = %q", format)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Fatalf("bounds = %v, want %d×%d", b, size, size)
		}
		// A real code has both dark and light modules.
		var dark, light int
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				if g := color.GrayModel.Convert(img.At(x, y)).(color.Gray); g.Y < 128 {
					dark++
				} else {
					light++
				}
			}
		}
		if dark < size*size/10 || light < size*size/10 {
			t.Fatalf("size %d: %d dark and %d light pixels: not a QR code", size, dark, light)
		}
	}
}

func TestPNGRejectsBadInput(t *testing.T) {
	if _, err := (Local{}).PNG("x", 0); err == nil {
		t.Error("size 0 accepted")
	}
	if _, err := (Local{}).PNG("x", -3); err == nil {
		t.Error("negative size accepted")
	}
	if _, err := (Local{}).PNG("", 256); err == nil {
		t.Error("empty content accepted")
	}
}
