package http

import (
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
