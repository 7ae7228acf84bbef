// Package qrcode draws standard QR codes locally, so the card QR code (E48)
// works without WeChat credentials.
package qrcode

import (
	"errors"

	qr "github.com/skip2/go-qrcode"
)

// Local draws QR codes (the card's QRMaker) with github.com/skip2/go-qrcode.
type Local struct{}

// PNG encodes content at medium error recovery (15%, the usual trade-off
// between density and robustness for printed/screen codes) as a size×size PNG.
func (Local) PNG(content string, size int) ([]byte, error) {
	if size <= 0 {
		return nil, errors.New("qrcode: size must be positive") // go-qrcode treats negative sizes as "scale per module"
	}
	return qr.Encode(content, qr.Medium, size)
}
