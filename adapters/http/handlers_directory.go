package http

import (
	"strings"

	"github.com/labstack/echo/v4"

	"leida/ports"
)

// ---- A14 departments (the WeCom directory)

type departmentItem struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	ParentID     int64  `json:"parentid"`      // Leida's id of the parent; 0 at the top
	DepartmentID int64  `json:"department_id"` // WeCom's id; 0 when the company has no WeCom directory
	CreateDate   string `json:"create_date"`
	CompanyID    int64  `json:"company_id"`
	Order        int64  `json:"order"`
}

func departmentInput(c echo.Context) ports.DepartmentInput {
	return ports.DepartmentInput{Name: form(c, "name"), ParentID: form(c, "parentid"), Company: form(c, "company_id")}
}

// DepartmentList is A14's list: the caller's reach, newest first, unpaged.
func (h *Handlers) DepartmentList(c echo.Context) error {
	q, err := listQuery(c, 0, "id", "name", "create_date")
	if err != nil {
		return err
	}
	list, err := h.Departments.ListDepartments(c.Request().Context(), actor(c), q.Filters)
	if err != nil {
		return err
	}
	items := make([]departmentItem, len(list))
	for i, d := range list {
		items[i] = departmentItem{ID: d.ID, Name: d.Name, ParentID: d.ParentID, DepartmentID: d.WeComID,
			CreateDate: wireTime(d.CreatedAt, h.Config.Location), CompanyID: d.CompanyID, Order: d.Order}
	}
	return ok(c, "查询成功", newPage(items, len(items)))
}

// AddDepartment is A14 add: in WeCom, then in Leida.
func (h *Handlers) AddDepartment(c echo.Context) error {
	if _, err := h.Departments.AddDepartment(c.Request().Context(), actor(c), departmentInput(c)); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// UpdateDepartment is A14 update.
func (h *Handlers) UpdateDepartment(c echo.Context) error {
	if err := h.Departments.UpdateDepartment(c.Request().Context(), actor(c), pathID(c), departmentInput(c)); err != nil {
		return err
	}
	return ok(c, "修改成功", nil)
}

// DeleteDepartment is A14 delete.
func (h *Handlers) DeleteDepartment(c echo.Context) error {
	if err := h.Departments.DeleteDepartment(c.Request().Context(), actor(c), pathID(c)); err != nil {
		return err
	}
	return ok(c, "删除成功", nil)
}

// ---- A13 users (the WeCom directory)

// directoryUserItem is the E01 item with what the directory keeps.
type directoryUserItem struct {
	userItem
	UserID        string  `json:"userid"`
	Position      string  `json:"position"`
	MingpianPhone string  `json:"mingpian_phone"`
	Phone         string  `json:"phone"`
	Avatar        string  `json:"avatar"`
	QRCode        string  `json:"qr_code"`
	Company       string  `json:"company"`
	CompanyID     int64   `json:"company_id"`
	Department    string  `json:"department"`
	DepartmentID  []int64 `json:"department_id"`
	Gender        int     `json:"gender"`
}

func directoryUserInput(c echo.Context) ports.DirectoryUserInput {
	return ports.DirectoryUserInput{UserInput: userInput(c), Position: form(c, "position"), Phone: form(c, "phone"),
		MingpianPhone: form(c, "mingpian_phone"), DepartmentIDs: form(c, "department_id")}
}

// DirectoryUserList is the A13 list: E01's, with what the directory keeps.
func (h *Handlers) DirectoryUserList(c echo.Context) error {
	q, err := listQuery(c, 10, "id", "username", "role__name", "company__name", "create_date", "last_login_date")
	if err != nil {
		return err
	}
	list, total, err := h.DirectoryUsers.ListDirectoryUsers(c.Request().Context(), actor(c), q)
	if err != nil {
		return err
	}
	loc := h.Config.Location
	items := make([]directoryUserItem, len(list))
	for i, du := range list {
		u := du.User
		names := make([]string, len(du.Departments))
		ids := make([]int64, len(du.Departments))
		for j, d := range du.Departments {
			names[j], ids[j] = d.Name, d.ID
		}
		items[i] = directoryUserItem{userItem: userItemOf(u, loc), UserID: u.WeComUserID, Position: u.Position, MingpianPhone: u.MingpianPhone, Phone: u.Phone, Avatar: u.Avatar,
			QRCode: u.QRCode, Company: u.CompanyName, CompanyID: u.CompanyID, Department: strings.Join(names, ", "),
			DepartmentID: ids, Gender: u.Gender}
	}
	return ok(c, "查询成功", newPage(items, total))
}

// AddDirectoryUser is A13 add.
func (h *Handlers) AddDirectoryUser(c echo.Context) error {
	if _, err := h.DirectoryUsers.AddDirectoryUser(c.Request().Context(), actor(c), directoryUserInput(c)); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// UpdateDirectoryUser is A13 update.
func (h *Handlers) UpdateDirectoryUser(c echo.Context) error {
	if err := h.DirectoryUsers.UpdateDirectoryUser(c.Request().Context(), actor(c), pathID(c), directoryUserInput(c)); err != nil {
		return err
	}
	return ok(c, "修改成功", nil)
}

// DeleteDirectoryUser is A13 delete.
func (h *Handlers) DeleteDirectoryUser(c echo.Context) error {
	if err := h.DirectoryUsers.DeleteDirectoryUser(c.Request().Context(), actor(c), pathID(c)); err != nil {
		return err
	}
	return ok(c, "删除成功", nil)
}
