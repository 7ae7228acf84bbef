package http

// Scaffold: the handlers of issue4, to be implemented.

import (
	"errors"

	"github.com/labstack/echo/v4"

	"leida/domain/errs"
)

var errNotImplementedIssue4 = errs.Internal(errors.New("not implemented yet"))

// AddCardTag is not implemented yet.
func (h *Handlers) AddCardTag(c echo.Context) error { return errNotImplementedIssue4 }

// DeleteCardPhoto is not implemented yet.
func (h *Handlers) DeleteCardPhoto(c echo.Context) error { return errNotImplementedIssue4 }

// DeleteCardTag is not implemented yet.
func (h *Handlers) DeleteCardTag(c echo.Context) error { return errNotImplementedIssue4 }

// GenerateQRCode is not implemented yet.
func (h *Handlers) GenerateQRCode(c echo.Context) error { return errNotImplementedIssue4 }

// KeepCardTags is not implemented yet.
func (h *Handlers) KeepCardTags(c echo.Context) error { return errNotImplementedIssue4 }

// ListCardTags is not implemented yet.
func (h *Handlers) ListCardTags(c echo.Context) error { return errNotImplementedIssue4 }

// ListMyCards is not implemented yet.
func (h *Handlers) ListMyCards(c echo.Context) error { return errNotImplementedIssue4 }

// MiniProgramLogin is not implemented yet.
func (h *Handlers) MiniProgramLogin(c echo.Context) error { return errNotImplementedIssue4 }

// MyCard is not implemented yet.
func (h *Handlers) MyCard(c echo.Context) error { return errNotImplementedIssue4 }

// RadarByAction is not implemented yet.
func (h *Handlers) RadarByAction(c echo.Context) error { return errNotImplementedIssue4 }

// RadarByCustomer is not implemented yet.
func (h *Handlers) RadarByCustomer(c echo.Context) error { return errNotImplementedIssue4 }

// RadarCustomerDetail is not implemented yet.
func (h *Handlers) RadarCustomerDetail(c echo.Context) error { return errNotImplementedIssue4 }

// RadarNewEvents is not implemented yet.
func (h *Handlers) RadarNewEvents(c echo.Context) error { return errNotImplementedIssue4 }

// RadarTimeline is not implemented yet.
func (h *Handlers) RadarTimeline(c echo.Context) error { return errNotImplementedIssue4 }

// RecordAction is not implemented yet.
func (h *Handlers) RecordAction(c echo.Context) error { return errNotImplementedIssue4 }

// RecordCall is not implemented yet.
func (h *Handlers) RecordCall(c echo.Context) error { return errNotImplementedIssue4 }

// RecordForward is not implemented yet.
func (h *Handlers) RecordForward(c echo.Context) error { return errNotImplementedIssue4 }

// RecordProductForward is not implemented yet.
func (h *Handlers) RecordProductForward(c echo.Context) error { return errNotImplementedIssue4 }

// RecordProductView is not implemented yet.
func (h *Handlers) RecordProductView(c echo.Context) error { return errNotImplementedIssue4 }

// RecordSavePhone is not implemented yet.
func (h *Handlers) RecordSavePhone(c echo.Context) error { return errNotImplementedIssue4 }

// SaveCardInfo is not implemented yet.
func (h *Handlers) SaveCardInfo(c echo.Context) error { return errNotImplementedIssue4 }

// SaveCardPhone is not implemented yet.
func (h *Handlers) SaveCardPhone(c echo.Context) error { return errNotImplementedIssue4 }

// SaveCardSign is not implemented yet.
func (h *Handlers) SaveCardSign(c echo.Context) error { return errNotImplementedIssue4 }

// ShowCardPhotos is not implemented yet.
func (h *Handlers) ShowCardPhotos(c echo.Context) error { return errNotImplementedIssue4 }

// TogglePraise is not implemented yet.
func (h *Handlers) TogglePraise(c echo.Context) error { return errNotImplementedIssue4 }

// UploadCardPhoto is not implemented yet.
func (h *Handlers) UploadCardPhoto(c echo.Context) error { return errNotImplementedIssue4 }

// ViewCard is not implemented yet.
func (h *Handlers) ViewCard(c echo.Context) error { return errNotImplementedIssue4 }

// WeComLogin is not implemented yet.
func (h *Handlers) WeComLogin(c echo.Context) error { return errNotImplementedIssue4 }
