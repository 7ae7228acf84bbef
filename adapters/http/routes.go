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
}

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
		{get, "/healthz", authNone, (*Handlers).Healthz, ""},
		{get, "/readyz", authNone, (*Handlers).Readyz, ""},

		// A12 admin login
		{anyMethod, admin + "/login", authNone, (*Handlers).Login, ""},
		{anyMethod, "/zhugeleida/gongzhonghao/login", authNone, (*Handlers).Login, ""},

		// E01–E04 users (alias under xiaochengxu)
		{get, qy + "/user", authUser, (*Handlers).ListUsers, ""},
		{post, qy + "/user/add/:id", authUser, (*Handlers).AddUser, ""},
		{getPost, qy + "/user/delete/:id", authUser, (*Handlers).DeleteUser, ""},
		{post, qy + "/user/update/:id", authUser, (*Handlers).UpdateUser, ""},
		{get, xcx + "/user", authUser, (*Handlers).ListUsers, ""},
		{post, xcx + "/user/add/:id", authUser, (*Handlers).AddUser, ""},
		{getPost, xcx + "/user/delete/:id", authUser, (*Handlers).DeleteUser, ""},
		{post, xcx + "/user/update/:id", authUser, (*Handlers).UpdateUser, ""},

		// E09–E12 roles, under qiyeweixin (document) and admin (implementation)
		{getPost, qy + "/role", authUser, (*Handlers).RoleIndex, ""},
		{post, qy + "/role/add/:id", authUser, (*Handlers).AddRole, ""},
		{post, qy + "/role/delete/:id", authUser, (*Handlers).DeleteRole, ""},
		{post, qy + "/role/update/:id", authUser, (*Handlers).UpdateRole, ""},
		{getPost, admin + "/role", authUser, (*Handlers).RoleIndex, ""},
		{post, admin + "/role/add/:id", authUser, (*Handlers).AddRole, ""},
		{post, admin + "/role/delete/:id", authUser, (*Handlers).DeleteRole, ""},
		{post, admin + "/role/update/:id", authUser, (*Handlers).UpdateRole, ""},

		// A1, E13–E15 permissions (alias under xiaochengxu)
		{get, qy + "/quanxian", authUser, (*Handlers).PermissionTree, ""},
		{post, qy + "/quanxian/add/:id", authUser, (*Handlers).AddPermission, ""},
		{post, qy + "/quanxian/delete/:id", authUser, (*Handlers).DeletePermission, ""},
		{post, qy + "/quanxian/update/:id", authUser, (*Handlers).UpdatePermission, ""},
		{get, xcx + "/quanxian", authUser, (*Handlers).PermissionTree, ""},
		{post, xcx + "/quanxian/add/:id", authUser, (*Handlers).AddPermission, ""},
		{post, xcx + "/quanxian/delete/:id", authUser, (*Handlers).DeletePermission, ""},
		{post, xcx + "/quanxian/update/:id", authUser, (*Handlers).UpdatePermission, ""},

		// E16–E19 companies, under qiyeweixin (document) and admin (implementation)
		{getPost, qy + "/company", authUser, (*Handlers).CompanyIndex, ""},
		{post, qy + "/company/add/:id", authUser, (*Handlers).AddCompany, ""},
		{post, qy + "/company/delete/:id", authUser, (*Handlers).DeleteCompany, ""},
		{post, qy + "/company/update/:id", authUser, (*Handlers).UpdateCompany, ""},
		{getPost, admin + "/company", authUser, (*Handlers).CompanyIndex, ""},
		{post, admin + "/company/add/:id", authUser, (*Handlers).AddCompany, ""},
		{post, admin + "/company/delete/:id", authUser, (*Handlers).DeleteCompany, ""},
		{post, admin + "/company/update/:id", authUser, (*Handlers).UpdateCompany, ""},

		// ---- issue 3: customers, tags, follow-ups, address book (alias under xiaochengxu for customer…)
		{get, qy + "/customer", authUser, (*Handlers).CustomerDetail, ""},                               // E05
		{post, qy + "/customer/update_information/:id", authUser, (*Handlers).UpdateInformation, ""},    // E06
		{post, qy + "/customer/update_customer/:id", authUser, (*Handlers).UpdateCustomer, ""},          // E07
		{getPost, qy + "/customer/delete/:id", authUser, (*Handlers).DeleteCustomer, ""},                // E08
		{post, qy + "/customer/update_expected_time/:id", authUser, (*Handlers).UpdateExpectedTime, ""}, // E39
		{post, qy + "/customer/update_expected_pr/:id", authUser, (*Handlers).UpdateExpectedPr, ""},     // E40
		{post, qy + "/customer/update_tag/:id", authUser, (*Handlers).UpdateCustomerTags, ""},           // E41
		{get, xcx + "/customer", authUser, (*Handlers).CustomerDetail, ""},
		{post, xcx + "/customer/update_information/:id", authUser, (*Handlers).UpdateInformation, ""},
		{post, xcx + "/customer/update_customer/:id", authUser, (*Handlers).UpdateCustomer, ""},
		{getPost, xcx + "/customer/delete/:id", authUser, (*Handlers).DeleteCustomer, ""},
		{post, xcx + "/customer/update_expected_time/:id", authUser, (*Handlers).UpdateExpectedTime, ""},
		{post, xcx + "/customer/update_expected_pr/:id", authUser, (*Handlers).UpdateExpectedPr, ""},
		{post, xcx + "/customer/update_tag/:id", authUser, (*Handlers).UpdateCustomerTags, ""},
		{get, qy + "/tag_customer", authUser, (*Handlers).TagsWithCustomers, ""},                 // E20
		{get, qy + "/tag_list", authUser, (*Handlers).TagGroups, ""},                             // E21
		{post, qy + "/tag_customer/add/:id", authUser, (*Handlers).AddTagWithCustomers, ""},      // E22
		{post, qy + "/tag_list/add_tag/:id", authUser, (*Handlers).AddCustomTag, ""},             // E23
		{post, qy + "/tag_list/customer_tag/:id", authUser, (*Handlers).ReplaceCustomerTags, ""}, // E24
		{get, qy + "/search/get_tag", authUser, (*Handlers).SearchTags, ""},                      // A2
		{get, qy + "/search/get_user", authUser, (*Handlers).SearchCustomers, ""},                // A3
		{get, qy + "/tongxunlu", authUser, (*Handlers).AddressBook, ""},                          // E34
		{get, qy + "/follow_language", authUser, (*Handlers).ListPhrases, ""},                    // E35
		{post, qy + "/follow_language/add/:id", authUser, (*Handlers).AddPhrase, ""},             // E36
		{post, qy + "/follow_language/delete/:id", authUser, (*Handlers).DeletePhrase, ""},       // E37
		{get, qy + "/follow_info", authUser, (*Handlers).ListFollowNotes, ""},                    // E38
		{post, qy + "/follow_info/add/:id", authUser, (*Handlers).AddFollowNote, ""},             // A4

		// ---- issue 4: logins, the card seen by customers, the card edited by its owner, the radar
		{get, qy + "/work_weixin_auth/:id", authNone, (*Handlers).WeComLogin, "请求方式异常"},      // E29
		{get, xcx + "/login", authNone, (*Handlers).MiniProgramLogin, "请求方式异常"},              // E30
		{get, xcx + "/mingpian", authCustomer, (*Handlers).ViewCard, ""},                     // E42
		{get, xcx + "/mingpian/all", authCustomer, (*Handlers).ListMyCards, ""},              // E43
		{get, xcx + "/mingpian/calling", authCustomer, (*Handlers).RecordCall, ""},           // E44
		{get, xcx + "/mingpian/praise", authCustomer, (*Handlers).TogglePraise, ""},          // E45
		{get, xcx + "/mingpian/forward", authCustomer, (*Handlers).RecordForward, ""},        // E46
		{get, xcx + "/mingpian/save_phone", authCustomer, (*Handlers).RecordSavePhone, ""},   // A8
		{anyMethod, xcx + "/product", authCustomer, (*Handlers).RecordProductView, ""},       // A9
		{get, xcx + "/product/竞价排名", authCustomer, (*Handlers).RecordProductView, ""},        // A9
		{get, xcx + "/product/转发", authCustomer, (*Handlers).RecordProductForward, ""},       // A9
		{get, xcx + "/action/record", authCustomer, (*Handlers).RecordAction, ""},            // D7
		{get, qy + "/mingpian", authUser, (*Handlers).MyCard, ""},                            // A6
		{post, qy + "/mingpian/save_phone", authUser, (*Handlers).SaveCardPhone, ""},         // A7
		{post, qy + "/mingpian/save_info", authUser, (*Handlers).SaveCardInfo, ""},           // A7
		{post, qy + "/mingpian/save_sign", authUser, (*Handlers).SaveCardSign, ""},           // A7
		{post, qy + "/mingpian/upload_photo", authUser, (*Handlers).UploadCardPhoto, ""},     // A7
		{post, qy + "/mingpian/delete_photo", authUser, (*Handlers).DeleteCardPhoto, ""},     // A7
		{get, qy + "/mingpian/show_photo", authUser, (*Handlers).ShowCardPhotos, ""},         // A7
		{get, qy + "/tag_user", authUser, (*Handlers).ListCardTags, ""},                      // E49
		{post, qy + "/tag_user/add", authUser, (*Handlers).AddCardTag, ""},                   // E50
		{post, qy + "/tag_user/save", authUser, (*Handlers).KeepCardTags, ""},                // E51
		{post, qy + "/tag_user/delete", authUser, (*Handlers).DeleteCardTag, ""},             // E52
		{post, qy + "/tag_user/save_phone", authUser, (*Handlers).SaveCardPhone, ""},         // E53
		{anyMethod, qy + "/qr_code_auth", authUser, (*Handlers).GenerateQRCode, ""},          // E48
		{get, qy + "/action/time", authUser, (*Handlers).RadarTimeline, ""},                  // E31
		{get, qy + "/action/customer", authUser, (*Handlers).RadarByCustomer, ""},            // E32
		{get, qy + "/action/count", authUser, (*Handlers).RadarByAction, ""},                 // E33
		{get, qy + "/action/get_new_log", authUser, (*Handlers).RadarNewEvents, ""},          // E47
		{get, qy + "/action/customer_detail", authUser, (*Handlers).RadarCustomerDetail, ""}, // A5

		// ---- issue 5: chat (E25–E28 enterprise side, A10 customer side per D8) and push streams (D8)
		{get, qy + "/contact", authUser, (*Handlers).ChatContacts, ""},                    // E25
		{get, qy + "/chat", authUser, (*Handlers).ChatHistory, ""},                        // E26
		{post, qy + "/chat/send_msg/:id", authUser, (*Handlers).ChatSend, ""},             // E27
		{get, qy + "/chat/getmsg/:id", authUser, (*Handlers).ChatPoll, ""},                // E28
		{get, xcx + "/chat", authCustomer, (*Handlers).VisitorChatHistory, ""},            // A10 history
		{get, xcx + "/chat/getmsg/:id", authCustomer, (*Handlers).VisitorChatPoll, ""},    // A10 getmsg
		{post, xcx + "/chat/send_msg/:id", authCustomer, (*Handlers).VisitorChatSend, ""}, // A10 send_msg
		{get, qy + "/stream", authUser, (*Handlers).UserStream, ""},                       // stream (rep)
		{get, xcx + "/stream", authCustomer, (*Handlers).CustomerStream, ""},              // stream (customer)
	}
}
