package http

import "github.com/labstack/echo/v4"

var (
	get       = []string{"GET"}
	post      = []string{"POST"}
	getPost   = []string{"GET", "POST"}
	anyMethod []string // every method
)

// route is one line of the route table.
type route struct {
	methods []string // nil: any method
	path    string
	auth    authKind
	handle  func(*Handlers, echo.Context) error
	// methodMsg is the 402 text for a wrong method (the logins say 请求方式异常).
	methodMsg string
	// invalid is the validation answer to input the boundary refuses
	// (invalidInput: by default that of a query form for GET, of an add form
	// otherwise).
	invalid inputError
	// doc documents the route in the OpenAPI document (openapi_routes.go).
	doc *opDoc
}

// byMethod leaves a route's validation answer to its method (invalidInput).
var byMethod inputError

const (
	qy    = "/zhugeleida/qiyeweixin"
	xcx   = "/zhugeleida/xiaochengxu"
	admin = "/zhugeleida/admin"
)

// routeTable lists every path Leida serves, with its methods and auth kind.
// Aliases (D2) are listed explicitly next to the path they mirror.
func routeTable() []route {
	return []route{
		// health
		{get, "/healthz", authNone, (*Handlers).Healthz, "", byMethod, docHealthz},
		{get, "/readyz", authNone, (*Handlers).Readyz, "", byMethod, docReadyz},

		// A12 admin login
		{anyMethod, admin + "/login", authNone, (*Handlers).Login, "", invalidData, docLogin},
		{anyMethod, "/zhugeleida/gongzhonghao/login", authNone, (*Handlers).Login, "", invalidData, docLogin},

		// E01–E04 users (alias under xiaochengxu)
		{get, qy + "/user", authUser, (*Handlers).ListUsers, "", byMethod, docListUsers},
		{post, qy + "/user/add/:id", authUser, (*Handlers).AddUser, "", byMethod, docAddUser},
		{getPost, qy + "/user/delete/:id", authUser, (*Handlers).DeleteUser, "", byMethod, docDeleteUser},
		{post, qy + "/user/update/:id", authUser, (*Handlers).UpdateUser, "", byMethod, docUpdateUser},
		{get, xcx + "/user", authUser, (*Handlers).ListUsers, "", byMethod, docListUsers},
		{post, xcx + "/user/add/:id", authUser, (*Handlers).AddUser, "", byMethod, docAddUser},
		{getPost, xcx + "/user/delete/:id", authUser, (*Handlers).DeleteUser, "", byMethod, docDeleteUser},
		{post, xcx + "/user/update/:id", authUser, (*Handlers).UpdateUser, "", byMethod, docUpdateUser},

		// E09–E12 roles, under qiyeweixin (document) and admin (implementation)
		{getPost, qy + "/role", authUser, (*Handlers).RoleIndex, "", byMethod, docRoles},
		{post, qy + "/role/add/:id", authUser, (*Handlers).AddRole, "", byMethod, docAddRole},
		{post, qy + "/role/delete/:id", authUser, (*Handlers).DeleteRole, "", byMethod, docDeleteRole},
		{post, qy + "/role/update/:id", authUser, (*Handlers).UpdateRole, "", invalidForm, docUpdateRole},
		{getPost, admin + "/role", authUser, (*Handlers).RoleIndex, "", byMethod, docRoles},
		{post, admin + "/role/add/:id", authUser, (*Handlers).AddRole, "", byMethod, docAddRole},
		{post, admin + "/role/delete/:id", authUser, (*Handlers).DeleteRole, "", byMethod, docDeleteRole},
		{post, admin + "/role/update/:id", authUser, (*Handlers).UpdateRole, "", invalidForm, docUpdateRole},

		// A1, E13–E15 permissions (alias under xiaochengxu)
		{get, qy + "/quanxian", authUser, (*Handlers).PermissionTree, "", byMethod, docPermissionTree},
		{post, qy + "/quanxian/add/:id", authUser, (*Handlers).AddPermission, "", byMethod, docAddPermission},
		{post, qy + "/quanxian/delete/:id", authUser, (*Handlers).DeletePermission, "", byMethod, docDeletePermission},
		{post, qy + "/quanxian/update/:id", authUser, (*Handlers).UpdatePermission, "", byMethod, docUpdatePermission},
		{get, xcx + "/quanxian", authUser, (*Handlers).PermissionTree, "", byMethod, docPermissionTree},
		{post, xcx + "/quanxian/add/:id", authUser, (*Handlers).AddPermission, "", byMethod, docAddPermission},
		{post, xcx + "/quanxian/delete/:id", authUser, (*Handlers).DeletePermission, "", byMethod, docDeletePermission},
		{post, xcx + "/quanxian/update/:id", authUser, (*Handlers).UpdatePermission, "", byMethod, docUpdatePermission},

		// E16–E19 companies, under qiyeweixin (document) and admin (implementation)
		{getPost, qy + "/company", authUser, (*Handlers).CompanyIndex, "", byMethod, docCompanies},
		{post, qy + "/company/add/:id", authUser, (*Handlers).AddCompany, "", byMethod, docAddCompany},
		{post, qy + "/company/delete/:id", authUser, (*Handlers).DeleteCompany, "", byMethod, docDeleteCompany},
		{post, qy + "/company/update/:id", authUser, (*Handlers).UpdateCompany, "", invalidForm, docUpdateCompany},
		{getPost, admin + "/company", authUser, (*Handlers).CompanyIndex, "", byMethod, docCompanies},
		{post, admin + "/company/add/:id", authUser, (*Handlers).AddCompany, "", byMethod, docAddCompany},
		{post, admin + "/company/delete/:id", authUser, (*Handlers).DeleteCompany, "", byMethod, docDeleteCompany},
		{post, admin + "/company/update/:id", authUser, (*Handlers).UpdateCompany, "", invalidForm, docUpdateCompany},

		// A13 users, kept in the company's WeCom directory
		{get, admin + "/user", authUser, (*Handlers).DirectoryUserList, "", byMethod, docDirectoryUsers},
		{post, admin + "/user/add/:id", authUser, (*Handlers).AddDirectoryUser, "", byMethod, docAddDirectoryUser},
		{post, admin + "/user/update/:id", authUser, (*Handlers).UpdateDirectoryUser, "", byMethod, docUpdateDirectoryUser},
		{post, admin + "/user/delete/:id", authUser, (*Handlers).DeleteDirectoryUser, "", byMethod, docDeleteDirectoryUser},

		// A14 departments, kept in the company's WeCom directory
		{get, admin + "/department", authUser, (*Handlers).DepartmentList, "", byMethod, docDepartments},
		{post, admin + "/department/add/:id", authUser, (*Handlers).AddDepartment, "", byMethod, docAddDepartment},
		{post, admin + "/department/update/:id", authUser, (*Handlers).UpdateDepartment, "", invalidForm, docUpdateDepartment},
		{post, admin + "/department/delete/:id", authUser, (*Handlers).DeleteDepartment, "", byMethod, docDeleteDepartment},

		// ---- customers, tags, follow-ups, address book (alias under xiaochengxu for customer…)
		{get, qy + "/customer", authUser, (*Handlers).CustomerDetail, "", byMethod, docCustomerDetail},                                      // E05
		{post, qy + "/customer/update_information/:id", authUser, (*Handlers).UpdateInformation, "", invalidForm, docUpdateInformation},     // E06
		{post, qy + "/customer/update_customer/:id", authUser, (*Handlers).UpdateCustomer, "", invalidForm, docUpdateCustomer},              // E07
		{getPost, qy + "/customer/delete/:id", authUser, (*Handlers).DeleteCustomer, "", byMethod, docDeleteCustomer},                       // E08
		{post, qy + "/customer/update_expected_time/:id", authUser, (*Handlers).UpdateExpectedTime, "", invalidForm, docUpdateExpectedTime}, // E39
		{post, qy + "/customer/update_expected_pr/:id", authUser, (*Handlers).UpdateExpectedPr, "", invalidForm, docUpdateExpectedPr},       // E40
		{post, qy + "/customer/update_tag/:id", authUser, (*Handlers).UpdateCustomerTags, "", byMethod, docUpdateCustomerTags},              // E41
		{get, xcx + "/customer", authUser, (*Handlers).CustomerDetail, "", byMethod, docCustomerDetail},
		{post, xcx + "/customer/update_information/:id", authUser, (*Handlers).UpdateInformation, "", invalidForm, docUpdateInformation},
		{post, xcx + "/customer/update_customer/:id", authUser, (*Handlers).UpdateCustomer, "", invalidForm, docUpdateCustomer},
		{getPost, xcx + "/customer/delete/:id", authUser, (*Handlers).DeleteCustomer, "", byMethod, docDeleteCustomer},
		{post, xcx + "/customer/update_expected_time/:id", authUser, (*Handlers).UpdateExpectedTime, "", invalidForm, docUpdateExpectedTime},
		{post, xcx + "/customer/update_expected_pr/:id", authUser, (*Handlers).UpdateExpectedPr, "", invalidForm, docUpdateExpectedPr},
		{post, xcx + "/customer/update_tag/:id", authUser, (*Handlers).UpdateCustomerTags, "", byMethod, docUpdateCustomerTags},
		// D10 the AI close probability
		{post, qy + "/customer/update_outcome/:id", authUser, (*Handlers).UpdateOutcome, "", byMethod, docUpdateOutcome},
		{get, qy + "/customer/ai_pr", authUser, (*Handlers).ExplainAIPr, "", byMethod, docExplainAIPr},

		// D9 exports that open in Excel
		{get, qy + "/customer/export", authUser, (*Handlers).ExportCustomers, "", byMethod, docExportCustomers},
		{get, qy + "/action/export", authUser, (*Handlers).ExportActions, "", byMethod, docExportActions},

		// D9 outbound webhooks (company admins)
		{getPost, qy + "/webhook", authUser, (*Handlers).WebhookIndex, "", byMethod, docWebhooks},
		{post, qy + "/webhook/update/:id", authUser, (*Handlers).UpdateWebhook, "", byMethod, docUpdateWebhook},
		{post, qy + "/webhook/delete/:id", authUser, (*Handlers).DeleteWebhook, "", byMethod, docDeleteWebhook},
		{get, qy + "/webhook/deliveries", authUser, (*Handlers).WebhookDeliveries, "", byMethod, docWebhookDeliveries},
		{get, qy + "/tag_customer", authUser, (*Handlers).TagsWithCustomers, "", byMethod, docTagsWithCustomers},                   // E20
		{get, qy + "/tag_list", authUser, (*Handlers).TagGroups, "", byMethod, docTagGroups},                                       // E21
		{post, qy + "/tag_customer/add/:id", authUser, (*Handlers).AddTagWithCustomers, "", byMethod, docAddTagWithCustomers},      // E22
		{post, qy + "/tag_list/add_tag/:id", authUser, (*Handlers).AddCustomTag, "", byMethod, docAddCustomTag},                    // E23
		{post, qy + "/tag_list/customer_tag/:id", authUser, (*Handlers).ReplaceCustomerTags, "", byMethod, docReplaceCustomerTags}, // E24
		{get, qy + "/search/get_tag", authUser, (*Handlers).SearchTags, "", byMethod, docSearchTags},                               // A2
		{get, qy + "/search/get_user", authUser, (*Handlers).SearchCustomers, "", byMethod, docSearchCustomers},                    // A3
		{get, qy + "/tongxunlu", authUser, (*Handlers).AddressBook, "", byMethod, docAddressBook},                                  // E34
		{get, qy + "/follow_language", authUser, (*Handlers).ListPhrases, "", byMethod, docListPhrases},                            // E35
		{post, qy + "/follow_language/add/:id", authUser, (*Handlers).AddPhrase, "", byMethod, docAddPhrase},                       // E36
		{post, qy + "/follow_language/delete/:id", authUser, (*Handlers).DeletePhrase, "", byMethod, docDeletePhrase},              // E37
		{get, qy + "/follow_info", authUser, (*Handlers).ListFollowNotes, "", byMethod, docListFollowNotes},                        // E38
		{post, qy + "/follow_info/add/:id", authUser, (*Handlers).AddFollowNote, "", byMethod, docAddFollowNote},                   // A4

		// ---- logins, the card seen by customers, the card edited by its owner, the radar
		{get, qy + "/work_weixin_auth/:id", authNone, (*Handlers).WeComLogin, "请求方式异常", invalidData, docWeComLogin},            // E29
		{get, xcx + "/login", authNone, (*Handlers).MiniProgramLogin, "请求方式异常", invalidData, docMiniProgramLogin},              // E30
		{get, xcx + "/mingpian", authCustomer, (*Handlers).ViewCard, "", byMethod, docViewCard},                                // E42
		{get, xcx + "/mingpian/all", authCustomer, (*Handlers).ListMyCards, "", byMethod, docListMyCards},                      // E43
		{get, xcx + "/mingpian/calling", authCustomer, (*Handlers).RecordCall, "", byMethod, docRecordCall},                    // E44
		{get, xcx + "/mingpian/praise", authCustomer, (*Handlers).TogglePraise, "", byMethod, docTogglePraise},                 // E45
		{get, xcx + "/mingpian/forward", authCustomer, (*Handlers).RecordForward, "", byMethod, docRecordForward},              // E46
		{get, xcx + "/mingpian/save_phone", authCustomer, (*Handlers).RecordSavePhone, "", byMethod, docRecordSavePhone},       // A8
		{anyMethod, xcx + "/product", authCustomer, (*Handlers).RecordProductView, "", invalidQuery, docRecordProductView},     // A9
		{get, xcx + "/product/竞价排名", authCustomer, (*Handlers).RecordProductView, "", invalidQuery, docRecordProductView},      // A9
		{get, xcx + "/product/转发", authCustomer, (*Handlers).RecordProductForward, "", invalidQuery, docRecordProductForward},  // A9
		{get, xcx + "/action/record", authCustomer, (*Handlers).RecordAction, "", byMethod, docRecordAction},                   // D7
		{get, qy + "/mingpian", authUser, (*Handlers).MyCard, "", byMethod, docMyCard},                                         // A6
		{post, qy + "/mingpian/save_phone", authUser, (*Handlers).SaveCardPhone, "", invalidQuery, docSaveCardPhoneA7},         // A7
		{post, qy + "/mingpian/save_info", authUser, (*Handlers).SaveCardInfo, "", invalidQuery, docSaveCardInfo},              // A7
		{post, qy + "/mingpian/save_sign", authUser, (*Handlers).SaveCardSign, "", invalidQuery, docSaveCardSign},              // A7
		{post, qy + "/mingpian/upload_photo", authUser, (*Handlers).UploadCardPhoto, "", invalidQuery, docUploadCardPhoto},     // A7
		{post, qy + "/mingpian/delete_photo", authUser, (*Handlers).DeleteCardPhoto, "", invalidQuery, docDeleteCardPhoto},     // A7
		{get, qy + "/mingpian/show_photo", authUser, (*Handlers).ShowCardPhotos, "", byMethod, docShowCardPhotos},              // A7
		{get, qy + "/tag_user", authUser, (*Handlers).ListCardTags, "", byMethod, docListCardTags},                             // E49
		{post, qy + "/tag_user/add", authUser, (*Handlers).AddCardTag, "", invalidForm, docAddCardTag},                         // E50
		{post, qy + "/tag_user/save", authUser, (*Handlers).KeepCardTags, "", byMethod, docKeepCardTags},                       // E51
		{post, qy + "/tag_user/delete", authUser, (*Handlers).DeleteCardTag, "", invalidForm, docDeleteCardTag},                // E52
		{post, qy + "/tag_user/save_phone", authUser, (*Handlers).SaveCardPhone, "", invalidQuery, docSaveCardPhoneE53},        // E53
		{anyMethod, qy + "/qr_code_auth", authUser, (*Handlers).GenerateQRCode, "", invalidData, docGenerateQRCode},            // E48
		{get, qy + "/action/time", authUser, (*Handlers).RadarTimeline, "", byMethod, docRadarTimeline},                        // E31
		{get, qy + "/action/customer", authUser, (*Handlers).RadarByCustomer, "", byMethod, docRadarByCustomer},                // E32
		{get, qy + "/action/count", authUser, (*Handlers).RadarByAction, "", byMethod, docRadarByAction},                       // E33
		{get, qy + "/action/get_new_log", authUser, (*Handlers).RadarNewEvents, "", byMethod, docRadarNewEvents},               // E47
		{get, qy + "/action/customer_detail", authUser, (*Handlers).RadarCustomerDetail, "", byMethod, docRadarCustomerDetail}, // A5

		// ---- chat (E25–E28 enterprise side, A10 customer side per D8) and push streams (D8)
		{get, qy + "/contact", authUser, (*Handlers).ChatContacts, "", byMethod, docChatContacts},                       // E25
		{get, qy + "/chat", authUser, (*Handlers).ChatHistory, "", byMethod, docChatHistory},                            // E26
		{post, qy + "/chat/send_msg/:id", authUser, (*Handlers).ChatSend, "", byMethod, docChatSend},                    // E27
		{get, qy + "/chat/getmsg/:id", authUser, (*Handlers).ChatPoll, "", byMethod, docChatPoll},                       // E28
		{get, xcx + "/chat", authCustomer, (*Handlers).VisitorChatHistory, "", byMethod, docVisitorChatHistory},         // A10 history
		{get, xcx + "/chat/getmsg/:id", authCustomer, (*Handlers).VisitorChatPoll, "", byMethod, docVisitorChatPoll},    // A10 getmsg
		{post, xcx + "/chat/send_msg/:id", authCustomer, (*Handlers).VisitorChatSend, "", byMethod, docVisitorChatSend}, // A10 send_msg
		{get, qy + "/stream", authUser, (*Handlers).UserStream, "", byMethod, docUserStream},                            // stream (rep)
		{get, xcx + "/stream", authCustomer, (*Handlers).CustomerStream, "", byMethod, docCustomerStream},               // stream (customer)
	}
}
