package card

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"testing"

	"github.com/golang/mock/gomock"

	"leida/application/apptest"
	cardmocks "leida/application/card/mocks"
	"leida/domain/card"
	"leida/domain/org"
	"leida/domain/validate"
	"leida/ports"
	"leida/ports/mocks"
)

type editorDeps struct {
	cards *cardmocks.MockOwnerCardRepository
	files *mocks.MockFileStore
	mp    *cardmocks.MockMiniProgramGateway
	qr    *cardmocks.MockQRMaker
}

func newEditor(t *testing.T) (*Editor, editorDeps) {
	ctrl := gomock.NewController(t)
	tx := mocks.NewMockTxRunner(ctrl)
	tx.EXPECT().Run(gomock.Any(), gomock.Any()).AnyTimes().
		DoAndReturn(apptest.RunInline)
	d := editorDeps{cardmocks.NewMockOwnerCardRepository(ctrl), mocks.NewMockFileStore(ctrl), cardmocks.NewMockMiniProgramGateway(ctrl),
		cardmocks.NewMockQRMaker(ctrl)}
	return NewEditor(Config{CardURL: "http://front/card?uid={uid}"}, tx, d.cards, d.files, d.mp, d.qr), d
}

var rep = org.Actor{UserID: 7, CompanyID: 2, Level: org.LevelMember}

// tinyPNG is a real 2×2 PNG.
func tinyPNG() []byte {
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2)))
	return b.Bytes()
}

func TestQRCodeFromWeChatWhenConfigured(t *testing.T) {
	s, d := newEditor(t)
	img := []byte("\xFF\xD8\xFFjpeg")
	gomock.InOrder(
		d.mp.EXPECT().Configured().Return(true),
		d.mp.EXPECT().WxaCode(gomock.Any(), "pages/mingpian/index?uid=7&source=1", 430).Return(img, nil),
		d.files.EXPECT().Save(gomock.Any(), "zhugeleida/imgs/xiaochengxu/qr_code/7_qrcode.jpg", img).Return(nil),
		d.cards.EXPECT().SetQRCode(gomock.Any(), int64(2), int64(7), "statics/zhugeleida/imgs/xiaochengxu/qr_code/7_qrcode.jpg").Return(nil),
	)
	if url, err := s.GenerateQRCode(ctx, rep); err != nil || url != "statics/zhugeleida/imgs/xiaochengxu/qr_code/7_qrcode.jpg" {
		t.Fatal(url, err)
	}
}

func TestQRCodeMadeLocallyWithoutWeChat(t *testing.T) {
	s, d := newEditor(t)
	gomock.InOrder(
		d.mp.EXPECT().Configured().Return(false),
		d.qr.EXPECT().PNG("http://front/card?uid=7", 430).Return([]byte("png"), nil),
		d.files.EXPECT().Save(gomock.Any(), "zhugeleida/imgs/xiaochengxu/qr_code/7_qrcode.png", []byte("png")).Return(nil),
		d.cards.EXPECT().SetQRCode(gomock.Any(), int64(2), int64(7), "statics/zhugeleida/imgs/xiaochengxu/qr_code/7_qrcode.png").Return(nil),
	)
	if url, err := s.GenerateQRCode(ctx, rep); err != nil || url != "statics/zhugeleida/imgs/xiaochengxu/qr_code/7_qrcode.png" {
		t.Fatal(url, err)
	}
}

func TestQRCodeGatewayErrorStoresNothing(t *testing.T) {
	s, d := newEditor(t)
	d.mp.EXPECT().Configured().Return(true)
	d.mp.EXPECT().WxaCode(gomock.Any(), gomock.Any(), gomock.Any()).
		Return(nil, &ports.GatewayError{Op: "wechat getwxacode", Code: -1, Msg: "answer is not an image"})
	if _, err := s.GenerateQRCode(ctx, rep); apptest.Code(err) != 301 {
		t.Fatalf("got %v", err)
	}
}

func TestUploadPhotoRemovesTheFileWhenTheTransactionFails(t *testing.T) {
	s, d := newEditor(t)
	boom := errors.New("disk full")
	d.cards.EXPECT().AddPhoto(gomock.Any(), int64(2), gomock.Any()).Return(nil)
	d.cards.EXPECT().SetPhotoURL(gomock.Any(), int64(2), int64(7), gomock.Any(), gomock.Any()).Return(nil)
	d.files.EXPECT().Save(gomock.Any(), gomock.Any(), gomock.Any()).Return(boom)
	d.files.EXPECT().Delete(gomock.Any(), "zhugeleida/imgs/xiaochengxu/user_photo/0_7_photo.jpg").Return(nil)
	if _, err := s.UploadPhoto(ctx, rep, ports.Upload{Data: tinyPNG()}); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
}

func TestSaveInfoChangesTheCompanyOnlyForAdmins(t *testing.T) {
	in := ports.CardInfoInput{Country: "1", MingpianPhone: "13800138000", Area: validate.Field{Value: "北京", Sent: true}}
	s, d := newEditor(t)
	d.cards.EXPECT().SaveInfo(gomock.Any(), int64(2), int64(7), gomock.Any()).Return(nil)
	if err := s.SaveInfo(ctx, rep, in); err != nil {
		t.Fatal(err)
	}
	s, d = newEditor(t)
	admin := org.Actor{UserID: 8, CompanyID: 2, Level: org.LevelCompanyAdmin}
	d.cards.EXPECT().SaveInfo(gomock.Any(), int64(2), int64(8), gomock.Any()).Return(nil)
	d.cards.EXPECT().SaveCompanyLocation(gomock.Any(), int64(2), gomock.Any(), nil).
		DoAndReturn(func(_ context.Context, _ int64, area, address *string) error {
			if *area != "北京" {
				t.Fatalf("area %q", *area)
			}
			return nil
		})
	if err := s.SaveInfo(ctx, admin, in); err != nil {
		t.Fatal(err)
	}
}

// Every repository call of the owner's editor carries the caller's company
// (2) with the caller (7): the tenant key of each statement.
func TestEditorKeysEveryCallByTheCallersCompany(t *testing.T) {
	s, d := newEditor(t)
	c2, u7 := int64(2), int64(7)
	d.cards.EXPECT().Card(gomock.Any(), c2, u7, gomock.Any()).Return(card.Card{UserID: 7}, nil)
	d.cards.EXPECT().SaveContact(gomock.Any(), c2, u7, gomock.Any(), gomock.Any()).Return(nil)
	d.cards.EXPECT().SaveSign(gomock.Any(), c2, u7, "s").Return(nil)
	d.cards.EXPECT().Photos(gomock.Any(), c2, u7).Return(nil, nil)
	d.cards.EXPECT().DeletePhoto(gomock.Any(), c2, u7, int64(5)).Return(card.Photo{}, ports.ErrNotFound)
	d.cards.EXPECT().Tags(gomock.Any(), c2, u7).Return(nil, nil)
	d.cards.EXPECT().TagNameTaken(gomock.Any(), c2, u7, "t").Return(false, nil)
	d.cards.EXPECT().AddTag(gomock.Any(), c2, gomock.Any()).Return(nil)
	d.cards.EXPECT().KeepTags(gomock.Any(), c2, u7, []int64{5}).Return(0, nil)
	d.cards.EXPECT().DeleteTag(gomock.Any(), c2, u7, int64(5)).Return(ports.ErrNotFound)
	if _, err := s.MyCard(ctx, rep, ports.ListQuery{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SavePhone(ctx, rep, ports.CardPhoneInput{Phone: "13800138000"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSign(ctx, rep, "s"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Photos(ctx, rep); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePhoto(ctx, rep, "5"); apptest.Code(err) != 302 {
		t.Fatalf("delete photo: %v", err)
	}
	if _, err := s.Tags(ctx, rep); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddTag(ctx, rep, "t"); err != nil {
		t.Fatal(err)
	}
	if err := s.KeepTags(ctx, rep, "[5]"); apptest.Code(err) != 301 {
		t.Fatalf("keep tags: %v", err)
	}
	if err := s.DeleteTag(ctx, rep, "5"); apptest.Code(err) != 302 {
		t.Fatalf("delete tag: %v", err)
	}
}
