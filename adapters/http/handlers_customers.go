package http

// Scaffold: the handlers of issue3, to be implemented.

import (
	"errors"

	"github.com/labstack/echo/v4"

	"leida/domain/errs"
)

var errNotImplementedIssue3 = errs.Internal(errors.New("not implemented yet"))

// AddCustomTag is not implemented yet.
func (h *Handlers) AddCustomTag(c echo.Context) error { return errNotImplementedIssue3 }

// AddFollowNote is not implemented yet.
func (h *Handlers) AddFollowNote(c echo.Context) error { return errNotImplementedIssue3 }

// AddPhrase is not implemented yet.
func (h *Handlers) AddPhrase(c echo.Context) error { return errNotImplementedIssue3 }

// AddTagWithCustomers is not implemented yet.
func (h *Handlers) AddTagWithCustomers(c echo.Context) error { return errNotImplementedIssue3 }

// AddressBook is not implemented yet.
func (h *Handlers) AddressBook(c echo.Context) error { return errNotImplementedIssue3 }

// CustomerDetail is not implemented yet.
func (h *Handlers) CustomerDetail(c echo.Context) error { return errNotImplementedIssue3 }

// DeleteCustomer is not implemented yet.
func (h *Handlers) DeleteCustomer(c echo.Context) error { return errNotImplementedIssue3 }

// DeletePhrase is not implemented yet.
func (h *Handlers) DeletePhrase(c echo.Context) error { return errNotImplementedIssue3 }

// ListFollowNotes is not implemented yet.
func (h *Handlers) ListFollowNotes(c echo.Context) error { return errNotImplementedIssue3 }

// ListPhrases is not implemented yet.
func (h *Handlers) ListPhrases(c echo.Context) error { return errNotImplementedIssue3 }

// ReplaceCustomerTags is not implemented yet.
func (h *Handlers) ReplaceCustomerTags(c echo.Context) error { return errNotImplementedIssue3 }

// SearchCustomers is not implemented yet.
func (h *Handlers) SearchCustomers(c echo.Context) error { return errNotImplementedIssue3 }

// SearchTags is not implemented yet.
func (h *Handlers) SearchTags(c echo.Context) error { return errNotImplementedIssue3 }

// TagGroups is not implemented yet.
func (h *Handlers) TagGroups(c echo.Context) error { return errNotImplementedIssue3 }

// TagsWithCustomers is not implemented yet.
func (h *Handlers) TagsWithCustomers(c echo.Context) error { return errNotImplementedIssue3 }

// UpdateCustomer is not implemented yet.
func (h *Handlers) UpdateCustomer(c echo.Context) error { return errNotImplementedIssue3 }

// UpdateCustomerTags is not implemented yet.
func (h *Handlers) UpdateCustomerTags(c echo.Context) error { return errNotImplementedIssue3 }

// UpdateExpectedPr is not implemented yet.
func (h *Handlers) UpdateExpectedPr(c echo.Context) error { return errNotImplementedIssue3 }

// UpdateExpectedTime is not implemented yet.
func (h *Handlers) UpdateExpectedTime(c echo.Context) error { return errNotImplementedIssue3 }

// UpdateInformation is not implemented yet.
func (h *Handlers) UpdateInformation(c echo.Context) error { return errNotImplementedIssue3 }
