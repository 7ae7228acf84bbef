package http

import (
	"reflect"

	"leida/application/chat"
	"leida/domain/errs"
)

// The documentation of each route of the table (routes.go names one per
// line; aliases share theirs). What a route's line already says — path,
// methods, auth kind, boundary validation answer — is not repeated here;
// the answers listed are those of the use case (application/*).

func qp(name, typ, desc string) param { return param{name: name, typ: typ, desc: desc} }
func req(name, typ, desc string) param {
	return param{name: name, typ: typ, desc: desc, required: true}
}
func choice(p param, values ...any) param { p.enum = values; return p }
func withDefault(p param, def any) param  { p.def = def; return p }
func filter(name, desc string) param      { return qp(name, "string", desc) }
func pagingParams(length int, filters ...param) []param {
	return append([]param{
		withDefault(qp("current_page", "integer", "page number, from 1"), 1),
		withDefault(qp("length", "integer", "page length"), length),
		qp("order", "string", "sort key, `-` first for descending"),
	}, filters...)
}

var (
	uidParam         = req("uid", "integer", "the rep whose card is open")
	customerParam    = req("customer_id", "integer", "the customer")
	cardFilterParams = []param{filter("id", "the rep's id"), filter("username", "name contains"),
		filter("role__name", "role name contains"), filter("company__name", "company name contains")}
	radarQueryParams = []param{
		qp("action", "integer", "only this action (1–12); without a lower date bound, the last 8 days"),
		qp("id", "integer", "only this log"),
		{name: "create_date__gte", typ: "date", desc: "from this day (YYYY-MM-DD)"},
		{name: "create_date__lt", typ: "date", desc: "before this day (YYYY-MM-DD)"},
	}
)

// ---- health

var (
	docHealthz = &opDoc{tag: "health", summary: "liveness: answers while the process runs (also during migrations)", msgs: []string{"ok"}}
	docReadyz  = &opDoc{tag: "health", summary: "readiness: 200 when the database answers and is migrated, else 503", msgs: []string{"ready"}}
)

// ---- org

var (
	docLogin = &opDoc{id: "A12", tag: "org", summary: "password login of an enterprise user (admins)",
		desc: "Answers the user's token for signing requests. Rate-limited: from the 11th failure for a username, or the 31st for a client address, within 15 minutes, HTTP 429.",
		body: []param{req("username", "string", ""), req("password", "string", "")},
		msgs: []string{"登录成功"}, data: dataOf[loginData](),
		answers: []answer{says(401, "账号或密码错误"), answerDisabled}}
	docWeComLogin = &opDoc{id: "E29", tag: "org", summary: "WeCom OAuth landing of a rep (path id: the company)",
		desc:  "Redirects (302) to the front-end with the rep's token, or to its error page (unknown company, bad code, member not enabled yet).",
		query: []param{qp("code", "string", "the WeCom OAuth code")}, redirect: true, wechat: true}

	docListUsers = &opDoc{id: "E01", tag: "org", summary: "list users",
		query: pagingParams(10, filter("id", "exact"), filter("username", "contains"), filter("role__name", "contains"),
			filter("company__name", "contains"), filter("create_date", "exact"), filter("last_login_date", "exact")),
		msgs: []string{"查询成功"}, data: dataOf[page[userItem]]()}
	userBody = []param{qp("userid", "string", "WeCom UserID"), req("username", "string", "unique"), req("password", "string", ""),
		req("role_id", "integer", ""), req("company_id", "integer", ""), choice(qp("status", "integer", "1 启用 (default), 2 未启用"), 1, 2)}
	docAddUser = &opDoc{id: "E02", tag: "org", summary: "add a user (company admins in their company, platform admins anywhere)",
		body: userBody, msgs: []string{"添加成功"}, answers: []answer{answerInvalidData, answerForbidden}}
	docDeleteUser = &opDoc{id: "E03", tag: "org", summary: "delete a user (disabled and hidden; history kept)",
		msgs: []string{"删除成功"}, answers: []answer{answerForbidden, notFound("用户ID不存在"), says(errs.CodeSelfDelete, "不允许删除自己")}}
	docUpdateUser = &opDoc{id: "E04", tag: "org", summary: "update a user (a new password or disabling rotates its token)",
		body: []param{qp("userid", "string", "WeCom UserID"), req("username", "string", "unique"), qp("password", "string", "unchanged when empty"),
			qp("role_id", "integer", ""), qp("company_id", "integer", ""), choice(qp("status", "integer", "1 启用, 2 未启用"), 1, 2)},
		msgs: []string{"修改成功"}, answers: []answer{answerInvalidData, answerForbidden, answerNotFoundEmpty}}

	roleBody   = []param{req("name", "string", "unique"), choice(qp("level", "integer", "2 company admin or 3 member (default 3)"), 2, 3)}
	docAddRole = &opDoc{id: "E10", tag: "org", summary: "add a role (platform admins)", body: roleBody,
		msgs: []string{"添加成功"}, answers: []answer{answerInvalidData, answerForbidden}}
	docRoles = &opDoc{id: "E09", tag: "org", summary: "list roles (POST: add one, as E10)",
		query: pagingParams(10, filter("id", "exact"), filter("name", "contains"), filter("create_date", "exact")),
		msgs:  []string{""}, data: dataOf[page[roleItem]](), post: docAddRole}
	docDeleteRole = &opDoc{id: "E11", tag: "org", summary: "delete a role no user holds (platform admins)", msgs: []string{"删除成功"},
		answers: []answer{answerForbidden, notFound("角色ID不存在"), says(errs.CodeInvalidForm, "该角色下存在用户,请转移用户后再试")}}
	docUpdateRole = &opDoc{id: "E12", tag: "org", summary: "rename a role, change its level (platform admins)", body: roleBody,
		msgs: []string{"修改成功"}, answers: []answer{answerForbidden, notFound("角色ID不存在"), answerInvalidForm}}

	docPermissionTree = &opDoc{id: "A1", tag: "org", summary: "the permission (menu) tree: the flat list and the tree",
		msgs: []string{"查询成功"}, data: dataOf[permissionTree]()}
	permissionBody = []param{req("path", "string", "unique"), qp("icon", "string", ""), req("title", "string", "unique"),
		qp("pid_id", "integer", "the parent"), req("order_num", "integer", "sort key (alias order)"), qp("component", "string", "")}
	docAddPermission = &opDoc{id: "E13", tag: "org", summary: "add a permission (platform admins)", body: permissionBody,
		msgs: []string{"添加成功"}, answers: []answer{answerInvalidData, answerForbidden}}
	docDeletePermission = &opDoc{id: "E14", tag: "org", summary: "delete a permission without children (platform admins)",
		msgs: []string{"删除成功"}, answers: []answer{answerForbidden, notFound("用户ID不存在"), says(errs.CodeHasChildren, "含有子级数据,请先删除或转移子级数据")}}
	docUpdatePermission = &opDoc{id: "E15", tag: "org", summary: "update a permission (platform admins)", body: permissionBody,
		msgs: []string{"修改成功"}, answers: []answer{answerInvalidData, answerForbidden, answerNotFoundEmpty}}

	companyBody = []param{req("name", "string", "unique (E17 also reads it from the query)"), qp("corp_id", "string", "WeCom corp id"),
		qp("tongxunlu_secret", "string", "WeCom directory secret (masked to all but platform admins)"),
		qp("area", "string", ""), qp("address", "string", "")}
	docAddCompany = &opDoc{id: "E17", tag: "org", summary: "add a company (platform admins)", query: []param{qp("name", "string", "when not in the body")},
		body: companyBody, msgs: []string{"添加成功"}, answers: []answer{answerInvalidData, answerForbidden}}
	docCompanies = &opDoc{id: "E16", tag: "org", summary: "list companies (POST: add one, as E17)",
		query: pagingParams(10, filter("id", "exact"), filter("name", "contains"), filter("create_date", "exact")),
		msgs:  []string{""}, data: dataOf[page[companyItem]](), post: docAddCompany}
	docDeleteCompany = &opDoc{id: "E18", tag: "org", summary: "delete a company without users (platform admins)", msgs: []string{"删除成功"},
		answers: []answer{answerForbidden, notFound("公司ID不存在"), says(errs.CodeInvalidForm, "该企业有关联用户,请转移用户后再试")}}
	docUpdateCompany = &opDoc{id: "E19", tag: "org", summary: "update a company (platform admins)", body: companyBody,
		msgs: []string{"修改成功"}, answers: []answer{answerForbidden, notFound("公司ID不存在"), answerInvalidForm}}
)

// ---- customers

var (
	docCustomerDetail = &opDoc{id: "E05", tag: "customers", summary: "one customer's detail (a one-item page)",
		query: append([]param{customerParam}, pagingParams(10)...),
		msgs:  []string{"查询成功"}, data: dataOf[page[customerDetailItem]](), answers: []answer{notFound("客户不存在")}}
	docUpdateInformation = &opDoc{id: "E06", tag: "customers", summary: "overwrite the customer's information (path id: the customer)",
		body: []param{req("source", "integer", "validated, not stored"), qp("username", "string", "saved as the memo name"),
			qp("phone", "string", "a mobile number"), qp("email", "string", ""), qp("company", "string", ""), qp("position", "string", ""),
			qp("address", "string", ""), {name: "birthday", typ: "date"}, qp("mem", "string", "")},
		msgs: []string{"添加成功"}, answers: []answer{answerInvalidForm}}
	docUpdateCustomer = &opDoc{id: "E07", tag: "customers", summary: "E41, E40 and E39 at once, in one transaction (path id: the customer)",
		body: []param{qp("tag_list", "list", "as E41"), qp("expedted_pr", "string", "as E40 (alias update_expected_pr)"),
			{name: "expected_time", typ: "date", desc: "as E39"}},
		msgs: []string{"添加成功"}, answers: []answer{answerInvalidData, says(errs.CodeInvalidData, "用户标签不存在"), notFound("客户不存在"), answerInvalidForm}}
	docDeleteCustomer = &opDoc{id: "E08", tag: "customers", summary: "delete what the company knows of a customer (a member: their own binding)",
		msgs: []string{"删除成功"}, answers: []answer{notFound("用户ID不存在")}}
	docUpdateExpectedTime = &opDoc{id: "E39", tag: "customers", summary: "set the expected closing date (path id: the customer)",
		body: []param{{name: "expected_time", typ: "date", required: true, desc: "YYYY-MM-DD"}},
		msgs: []string{"添加成功"}, answers: []answer{answerInvalidForm}}
	docUpdateExpectedPr = &opDoc{id: "E40", tag: "customers", summary: "set the expected closing probability (path id: the customer)",
		body: []param{req("expedted_pr", "string", "(sic; alias update_expected_pr)")},
		msgs: []string{"添加成功"}, answers: []answer{answerInvalidForm}}
	docUpdateCustomerTags = &opDoc{id: "E41", tag: "customers", summary: "replace the customer's tags (path id: the customer)",
		body: []param{req("tag_list", "list", "tag ids")},
		msgs: []string{"添加成功"}, answers: []answer{answerInvalidData, says(errs.CodeInvalidData, "用户标签不存在"), notFound("客户不存在")}}
	docSearchCustomers = &opDoc{id: "A3", tag: "customers", summary: "search the caller's customers by name",
		query: append([]param{req("username", "string", "name contains")}, pagingParams(10, filter("id", "exact"))...),
		msgs:  []string{"查询成功"}, data: dataOf[page[customerSearchItem]]()}
)

// ---- AI (D10)

var (
	docUpdateOutcome = &opDoc{id: "D10", tag: "AI", summary: "record how the customer's deal ended (path id: the customer)",
		body: []param{choice(req("outcome", "string", ""), "won", "lost", "open"), {name: "closed_at", typ: "date", desc: "YYYY-MM-DD, not in the future"}},
		msgs: []string{"修改成功"}, answers: []answer{answerInvalidData, notFound("客户不存在")}}
	docExplainAIPr = &opDoc{id: "D10", tag: "AI", summary: "the customer's AI close probability with its reasons",
		query: []param{customerParam}, msgs: []string{"查询成功"}, data: dataOf[aiExplanation](),
		answers: []answer{notFound("客户不存在")}}
)

// ---- A14 departments (the WeCom directory)

var (
	departmentForm = []param{qp("name", "string", "unique in the company, at most 64 characters, none of \\:*?\"<>|"),
		qp("parentid", "integer", "the parent department (Leida's id); empty or 0 for the top"),
		qp("company_id", "integer", "platform admins: the company (default: the caller's)")}
	answerWeComRefused = says(weComErrcode, "企业微信验证未通过")
	docDepartments     = &opDoc{id: "A14", tag: "org", summary: "the departments in the caller's reach, newest first (company admins: their company's)",
		query: []param{filter("id", "exact"), filter("name", "contains"), filter("create_date", "exact")},
		msgs:  []string{"查询成功"}, data: dataOf[page[departmentItem]](), answers: []answer{answerForbidden, fieldsInData(errs.CodeRequestError)}}
	docAddDepartment = &opDoc{id: "A14", tag: "org", summary: "add a department, in the company's WeCom directory first when it has one",
		body: append([]param{req("name", "string", departmentForm[0].desc)}, departmentForm[1:]...), wechat: true,
		msgs: []string{"添加成功"}, answers: []answer{answerInvalidData, answerForbidden, answerWeComRefused}}
	docUpdateDepartment = &opDoc{id: "A14", tag: "org", summary: "rename or move a department (in WeCom too)", body: departmentForm[:2], wechat: true,
		msgs: []string{"修改成功"}, answers: []answer{answerInvalidForm, answerForbidden, notFound("部门ID不存在"), answerWeComRefused}}
	docDeleteDepartment = &opDoc{id: "A14", tag: "org", summary: "delete a department without members or children (in WeCom too)", wechat: true,
		msgs: []string{"删除成功"}, answers: []answer{answerForbidden, notFound("部门ID不存在"), says(errs.CodeHasChildren, "含有子级数据,请先删除或转移子级数据"), answerWeComRefused}}
)

// ---- A13 users (the WeCom directory)

var (
	directoryUserForm = []param{qp("userid", "string", "the WeCom userid (generated when empty)"), qp("username", "string", "unique login name"),
		qp("password", "string", ""), qp("role_id", "integer", ""), qp("company_id", "integer", ""),
		qp("position", "string", "at most 128 characters"), qp("phone", "string", "mobile number (WeCom's mobile)"),
		qp("mingpian_phone", "string", "the card's mobile number"),
		{name: "department_id", typ: "list", desc: "the company's department ids, a JSON list such as [3,4]"},
		choice(qp("status", "integer", "1 启用, 2 未启用"), 1, 2)}
	docDirectoryUsers = &opDoc{id: "A13", tag: "org", summary: "the users in the caller's reach with what the WeCom directory keeps (E01's list and paging)",
		query: pagingParams(10, filter("id", "exact"), filter("username", "contains"), filter("role__name", "contains"),
			filter("company__name", "contains"), filter("create_date", "exact"), filter("last_login_date", "exact")),
		msgs: []string{"查询成功"}, data: dataOf[page[directoryUserItem]](), answers: []answer{answerForbidden}}
	docAddDirectoryUser = &opDoc{id: "A13", tag: "org", summary: "add a user, in the company's WeCom directory first when it has one",
		body: directoryUserForm, wechat: true, msgs: []string{"添加成功"},
		answers: []answer{answerInvalidData, answerForbidden, answerWeComRefused}}
	docUpdateDirectoryUser = &opDoc{id: "A13", tag: "org", summary: "change a user (what was sent), in WeCom too", body: directoryUserForm,
		wechat: true, msgs: []string{"修改成功"}, answers: []answer{answerInvalidData, answerForbidden, answerNotFoundEmpty, answerWeComRefused}}
	docDeleteDirectoryUser = &opDoc{id: "A13", tag: "org", summary: "delete a user (disabled and hidden) and its WeCom member", wechat: true,
		msgs: []string{"删除成功"}, answers: []answer{answerForbidden, notFound("用户ID不存在"), says(errs.CodeSelfDelete, "不允许删除自己"), answerWeComRefused}}
)

// ---- exports (D9)

var (
	docExportCustomers = &opDoc{id: "D9", tag: "integrations", summary: "the caller's visible customers as a CSV file for Excel",
		desc: "UTF-8 with a byte-order mark, CRLF lines, dates in TIME_ZONE; streamed (constant memory); " +
			"Content-Disposition: attachment; filename=\"customers-YYYYMMDD.csv\". Cells starting with = + - @ get a leading '.",
		csv: true}
	docExportActions = &opDoc{id: "D9", tag: "integrations", summary: "the caller's radar events (E31's filters) as a CSV file for Excel",
		desc: "Newest first, unpaged, nothing marked read; same format as customer/export (filename actions-YYYYMMDD.csv).",
		query: []param{qp("action", "integer", "1–12"), qp("id", "integer", "one log"), {name: "create_date__gte", typ: "date", desc: "from"},
			{name: "create_date__lt", typ: "date", desc: "before"}},
		answers: []answer{fieldsInData(errs.CodeRequestError)}, csv: true}
)

// ---- outbound webhooks (D9)

var (
	webhookForm = []param{qp("url", "string", "http(s) URL of the receiver; not loopback or private unless WEBHOOK_ALLOW_PRIVATE"),
		qp("events", "string", "radar.event, chat.message, customer.outcome, customer.ai_pr: comma-separated or a JSON list")}
	docAddWebhook = &opDoc{id: "D9", tag: "integrations", summary: "add a webhook endpoint (company admins); the secret is shown this once",
		desc: "Each delivery is a JSON POST {id, type, time, company_id, data} signed with HMAC-SHA256 of the body under the secret " +
			"(header X-Leida-Signature: sha256=<hex>), with X-Leida-Timestamp, X-Leida-Event and X-Leida-Delivery (the event id). " +
			"A non-2xx answer, a timeout (10 s) or a refused connection is retried after 10 s, doubling up to an hour, for 24 hours; " +
			"receivers deduplicate and order by the event id and time.",
		body: []param{req("url", "string", webhookForm[0].desc), req("events", "string", webhookForm[1].desc)},
		msgs: []string{"添加成功"}, data: dataOf[webhookCreated](),
		answers: []answer{answerInvalidData, says(errs.CodeInvalidData, "最多可添加20个webhook"), answerForbidden}}
	docWebhooks = &opDoc{id: "D9", tag: "integrations", summary: "the company's webhook endpoints (POST: add one)",
		msgs: []string{"查询成功"}, data: dataOf[page[webhookItem]](), answers: []answer{answerForbidden}, post: docAddWebhook}
	docUpdateWebhook = &opDoc{id: "D9", tag: "integrations", summary: "change an endpoint's url, events or enabled (enabling forgets its failures)",
		body: append(webhookForm[:2:2], choice(qp("enabled", "string", ""), "true", "false", "1", "0")),
		msgs: []string{"修改成功"}, data: dataOf[webhookItem](), answers: []answer{answerInvalidForm, answerForbidden, notFound("webhook不存在")}}
	docDeleteWebhook = &opDoc{id: "D9", tag: "integrations", summary: "delete an endpoint and its deliveries",
		msgs: []string{"删除成功"}, answers: []answer{answerForbidden, notFound("webhook不存在")}}
	docWebhookDeliveries = &opDoc{id: "D9", tag: "integrations", summary: "an endpoint's last 100 deliveries, newest first",
		query: []param{req("webhook_id", "integer", "the endpoint")}, msgs: []string{"查询成功"}, data: dataOf[page[deliveryItem]](),
		answers: []answer{fieldsInData(errs.CodeRequestError), answerForbidden, notFound("webhook不存在")}}
)

// ---- tags

var (
	docTagsWithCustomers = &opDoc{id: "E20", tag: "tags", summary: "the tags that have customers, with them",
		query: pagingParams(10, filter("id", "exact"), filter("name", "contains")), msgs: []string{""}, data: dataOf[tagCustomersData]()}
	docTagGroups           = &opDoc{id: "E21", tag: "tags", summary: "every tag, by group", msgs: []string{"请求成功"}, data: dataOf[tagGroupsData]()}
	docAddTagWithCustomers = &opDoc{id: "E22", tag: "tags", summary: "create a custom tag on the listed customers",
		body: []param{req("name", "string", ""), req("customer_list", "list", "customer ids")},
		msgs: []string{"添加成功"}, answers: []answer{answerInvalidData, notFound("标签关联客户不能为空")}}
	docAddCustomTag = &opDoc{id: "E23", tag: "tags", summary: "create a custom tag of the caller on one customer (path id: the customer)",
		body: []param{req("name", "string", "")}, msgs: []string{"添加成功"}, answers: []answer{answerInvalidData, notFound("标签关联客户不能为空")}}
	docReplaceCustomerTags = &opDoc{id: "E24", tag: "tags", summary: "replace a customer's tags ([] clears them; path id: the customer)",
		body: []param{req("tag_list", "list", "tag ids")}, msgs: []string{"添加成功"},
		answers: []answer{answerInvalidData, notFound("标签关联客户不能为空", "标签不存在")}}
	docSearchTags = &opDoc{id: "A2", tag: "tags", summary: "search tags, with their customers",
		query: pagingParams(10, filter("id", "exact"), filter("name", "contains")), msgs: []string{""}, data: dataOf[tagCustomersData]()}
)

// ---- follow-ups

var (
	docAddressBook = &opDoc{id: "E34", tag: "follow-ups", summary: "the address book: the caller's customers with follow-up state",
		query: append([]param{choice(qp("customer__source", "integer", "1 扫码, 2 转发 (absent: all)"), 1, 2)},
			pagingParams(10, filter("customer_id", "exact"), filter("create_date", "exact"))...),
		msgs: []string{"查询成功"}, data: dataOf[page[addressBookItem]]()}
	docListPhrases = &opDoc{id: "E35", tag: "follow-ups", summary: "canned phrases: a page of the caller's, then the global ones",
		query: pagingParams(20), msgs: []string{""}, data: dataOf[page[phraseGroup]]()}
	docAddPhrase = &opDoc{id: "E36", tag: "follow-ups", summary: "add a canned phrase",
		body: []param{req("custom_language", "string", "")}, msgs: []string{"添加成功"}, answers: []answer{answerInvalidData}}
	docDeletePhrase = &opDoc{id: "E37", tag: "follow-ups", summary: "delete one of the caller's phrases",
		msgs: []string{"删除成功"}, answers: []answer{notFound("ID不存在")}}
	docListFollowNotes = &opDoc{id: "E38", tag: "follow-ups", summary: "the follow-up notes on a customer",
		query: append([]param{customerParam}, pagingParams(20)...), msgs: []string{""}, data: dataOf[page[followNoteItem]]()}
	docAddFollowNote = &opDoc{id: "A4", tag: "follow-ups", summary: "add a follow-up note (path id: the customer)",
		body: []param{req("follow_info", "string", "")}, msgs: []string{"添加成功"}, answers: []answer{answerInvalidData}}
)

// ---- card: the mini-program side, then the owner's editor

var (
	docMiniProgramLogin = &opDoc{id: "E30", tag: "card", summary: "mini-program login of a customer (WeChat js code)",
		desc: "Creates the customer on first login; with uid the customer belongs to that rep from now on.",
		query: []param{req("code", "string", "the js code"), choice(req("user_type", "integer", "1 公众号, 2 小程序"), 1, 2),
			choice(req("source", "integer", "1 扫码, 2 转发"), 1, 2), qp("uid", "integer", "the rep whose card was opened")},
		msgs: []string{"返回成功"}, data: dataOf[miniProgramLoginData](), answers: []answer{answerInvalidData}, wechat: true}
	docViewCard = &opDoc{id: "E42", tag: "card", summary: "view a rep's card (logs the view)",
		query: append([]param{uidParam}, pagingParams(10, cardFilterParams...)...),
		msgs:  []string{"查询成功"}, data: dataOf[page[visitedCard]]()}
	docListMyCards = &opDoc{id: "E43", tag: "card", summary: "the cards the customer belongs to",
		query: pagingParams(10, cardFilterParams...), msgs: []string{"查询成功"}, data: dataOf[page[membershipItem]]()}
	cardEventAnswers = []answer{notFound("用户ID不存在")}
	docRecordCall    = &opDoc{id: "E44", tag: "card", summary: "log a phone call to the rep", query: []param{uidParam},
		msgs: []string{"记录日志成功"}, answers: cardEventAnswers}
	docTogglePraise = &opDoc{id: "E45", tag: "card", summary: "toggle the customer's praise (靠谱) of the card", query: []param{uidParam},
		msgs: []string{"记录日志成功"}, answers: cardEventAnswers}
	docRecordForward = &opDoc{id: "E46", tag: "card", summary: "log a forward of the card", query: []param{uidParam},
		msgs: []string{"记录日志成功"}, answers: cardEventAnswers}
	docRecordSavePhone = &opDoc{id: "A8", tag: "card", summary: "log that the customer saved the rep's number", query: []param{uidParam},
		msgs: []string{"记录日志成功"}, answers: cardEventAnswers}
	docRecordProductView = &opDoc{id: "A9", tag: "card", summary: "log a product view", query: []param{uidParam},
		msgs: []string{"记录日志成功"}, answers: cardEventAnswers}
	docRecordProductForward = &opDoc{id: "A9", tag: "card", summary: "log a product forward", query: []param{uidParam},
		msgs: []string{"记录日志成功"}, answers: cardEventAnswers}
	docRecordAction = &opDoc{id: "D7", tag: "card", summary: "log any of the 12 actions, with its fixed remark",
		query: []param{uidParam, req("action", "integer", "1–12")},
		msgs:  []string{"记录日志成功"}, answers: []answer{answerInvalidData, notFound("用户ID不存在")}}

	docMyCard = &opDoc{id: "A6", tag: "card", summary: "the caller's own card", query: pagingParams(10, cardFilterParams...),
		msgs: []string{"查询成功"}, data: dataOf[page[ownCard]]()}
	docSaveCardPhone = &opDoc{tag: "card", summary: "save the card's phone and whether it is shown",
		body: []param{qp("mingpian_phone", "string", "a mobile number (or send it as phone)"), qp("phone", "string", "alias of mingpian_phone"),
			choice(qp("is_show_phone", "boolean", "t/True/1 or f/False/0"), true, false)},
		msgs: []string{"保存成功"}}
	docSaveCardPhoneA7 = &opDoc{id: "A7", tag: docSaveCardPhone.tag, summary: docSaveCardPhone.summary, body: docSaveCardPhone.body,
		msgs: docSaveCardPhone.msgs}
	docSaveCardPhoneE53 = &opDoc{id: "E53", tag: docSaveCardPhone.tag, summary: docSaveCardPhone.summary, body: docSaveCardPhone.body,
		msgs: docSaveCardPhone.msgs}
	docSaveCardInfo = &opDoc{id: "A7", tag: "card", summary: "save the card's contact details (area and address: company admins)",
		body: []param{choice(req("country", "integer", "1 or 2"), 1, 2), req("mingpian_phone", "string", "a mobile number"),
			qp("wechat", "string", ""), qp("telephone", "string", ""), qp("email", "string", ""),
			qp("area", "string", "the company's"), qp("address", "string", "the company's")},
		msgs: []string{"保存成功"}}
	docSaveCardSign = &opDoc{id: "A7", tag: "card", summary: "save the card's signature",
		body: []param{qp("sign", "string", "")}, msgs: []string{"保存成功"}}
	docUploadCardPhoto = &opDoc{id: "A7", tag: "card", summary: "upload a card photo (PNG, JPEG, GIF or WebP, up to 5 MB)",
		body: []param{req("photo", "file", "")}, multipart: true, msgs: []string{"上传成功"}, data: dataOf[uploadedPhoto]()}
	docDeleteCardPhoto = &opDoc{id: "A7", tag: "card", summary: "delete a card photo",
		body: []param{req("photo_id", "integer", "")}, msgs: []string{"删除成功"}, answers: []answer{notFound("删除数据不存在")}}
	docShowCardPhotos = &opDoc{id: "A7", tag: "card", summary: "the card's photos", msgs: []string{"获取成功"}, data: dataOf[photoList]()}
	docListCardTags   = &opDoc{id: "E49", tag: "card", summary: "the card's tags", msgs: []string{""}, data: dataOf[cardTagList]()}
	docAddCardTag     = &opDoc{id: "E50", tag: "card", summary: "add a card tag",
		body: []param{req("name", "string", "unique on the card")}, msgs: []string{"添加成功"}, data: dataOf[[]cardTagItem](),
		answers: []answer{answerInvalidForm}}
	docKeepCardTags = &opDoc{id: "E51", tag: "card", summary: "keep only the listed tags of the card",
		body: []param{req("tag_list", "list", "card tag ids")}, msgs: []string{"添加成功"}, data: dataOf[[]cardTagItem](),
		answers: []answer{answerInvalidData, says(errs.CodeInvalidData, "标签不存在")}}
	docDeleteCardTag = &opDoc{id: "E52", tag: "card", summary: "delete a card tag",
		body: []param{req("id", "integer", "the card tag")}, msgs: []string{"删除成功"}, answers: []answer{answerInvalidForm, notFound("标签ID不存在")}}
	docGenerateQRCode = &opDoc{id: "E48", tag: "card", summary: "generate the card's mini-program QR code",
		desc: "WeChat's wxacode when the mini-program is configured, else a QR PNG of the card URL made locally; stored under /statics/.",
		msgs: []string{"生成小程序二维码成功"}, data: dataOf[qrCodeData](), answers: []answer{answerInvalidData, notFound("用户ID不存在")}, wechat: true}
)

// ---- radar

var (
	docRadarTimeline = &opDoc{id: "E31", tag: "radar", summary: "the radar by time: the caller's access logs (the page is marked read)",
		query: append(radarQueryParams, pagingParams(10)...), msgs: []string{"查询日志记录成功"}, data: dataOf[page[timelineItem]]()}
	docRadarByCustomer = &opDoc{id: "E32", tag: "radar", summary: "the radar by customer: counts per customer and action",
		query: append(radarQueryParams, pagingParams(10)...), msgs: []string{"查询日志记录成功"}, data: dataOf[[]customerItem]()}
	docRadarByAction = &opDoc{id: "E33", tag: "radar", summary: "the radar by action: counts per action (a one-item array)",
		query: radarQueryParams, msgs: []string{"查询日志记录成功"}, data: dataOf[[]actionCounts]()}
	docRadarNewEvents = &opDoc{id: "E47", tag: "radar", summary: "the unread radar events, each returned once",
		query: append([]param{qp("action", "integer", "only this action"), choice(qp("order", "string", "newest first unless create_date"), "create_date", "-create_date")},
			pagingParams(10)[:2]...),
		msgs: []string{"查询日志记录成功"}, data: dataOf[page[radarItem]]()}
	docRadarCustomerDetail = &opDoc{id: "A5", tag: "radar", summary: "per customer (one, or all of the caller's) and action: the counts",
		query: []param{qp("customer_id", "integer", "one customer (absent: all)")}, msgs: []string{"查询日志记录成功"},
		data: func(b *builder) *schema {
			return described(arrayOf(numericKeys(b.schemaOf(reflect.TypeFor[customerDetail]()))), "a one-item array: customer id → its counts")
		}}
)

// ---- chat

var (
	historyMsgs = []string{msgHistory, msgHistoryEmpty}
	pollMsgs    = []string{msgPoll, msgPollEmpty}

	docChatContacts = &opDoc{id: "E25", tag: "chat", summary: "the contact list: the latest message per customer",
		query: pagingParams(chat.DefaultLength)[:2], msgs: []string{""}, data: dataOf[page[contactItem]]()}
	docChatHistory = &opDoc{id: "E26", tag: "chat", summary: "a page of the conversation with a customer (page 1: the newest), read",
		query: append([]param{customerParam}, pagingParams(chat.DefaultLength)[:2]...), msgs: historyMsgs, data: dataOf[[]historyItem]()}
	docChatSend = &opDoc{id: "E27", tag: "chat", summary: "send a message to a customer",
		body: []param{req("user_id", "integer", "the caller"), req("customer_id", "integer", ""), qp("msg", "string", "up to 5000 characters"),
			choice(req("send_type", "integer", "1 (rep to customer)"), 1)},
		msgs: []string{msgSent}, answers: []answer{answerInvalidData, notFound("客户不存在")}}
	docChatPoll = &opDoc{id: "E28", tag: "chat", summary: "the customer's new messages, each returned once",
		query: []param{customerParam}, msgs: pollMsgs, data: dataOf[[]pollItem]()}
	docVisitorChatHistory = &opDoc{id: "A10", tag: "chat", summary: "the customer's conversation with a rep (page 1: the oldest), read",
		query: append([]param{uidParam}, pagingParams(chat.DefaultLength)[:2]...), msgs: historyMsgs, data: dataOf[[]historyItem](),
		answers: []answer{notFound("用户ID不存在")}}
	docVisitorChatPoll = &opDoc{id: "A10", tag: "chat", summary: "the rep's new messages to the customer, each returned once",
		query: []param{uidParam}, msgs: pollMsgs, data: dataOf[[]pollItem](), answers: []answer{notFound("用户ID不存在")}}
	docVisitorChatSend = &opDoc{id: "A10", tag: "chat", summary: "the customer sends a message to a rep",
		query: []param{qp("uid", "integer", "the rep, when not in the body")},
		body:  []param{qp("uid", "integer", "the rep"), qp("msg", "string", "up to 5000 characters")},
		msgs:  []string{msgSent}, answers: []answer{answerInvalidData, notFound("用户ID不存在")}}
)

// ---- streams

var (
	docUserStream = &opDoc{tag: "streams", summary: "the rep's push stream: chat, radar and hot_lead events",
		desc: "Server-Sent Events until the client leaves: `retry: 3000`, then events with `id:` (increasing per principal; " +
			"send `Last-Event-ID` to resume), `event: chat` (data: `pollItem`, a customer's message), `event: radar` (data: `radarItem`, " +
			"as E47) and `event: hot_lead` (data: `{customer_id, customer_username, ai_pr, tier, previous, reasons}`), and a " +
			"`: heartbeat` comment every STREAM_HEARTBEAT (15 s). A refused request answers the usual envelope (application/json).",
		query: []param{qp("last_event_id", "integer", "resume after this id (or the Last-Event-ID header)")}, stream: true}
	docCustomerStream = &opDoc{tag: "streams", summary: "the customer's push stream: the reps' chat messages",
		desc: "Server-Sent Events until the client leaves: `retry: 3000`, then `event: chat` events (data: `pollItem`, a rep's message) " +
			"with `id:` (increasing per principal; send `Last-Event-ID` to resume), and a `: heartbeat` comment every STREAM_HEARTBEAT (15 s). " +
			"A refused request answers the usual envelope (application/json).",
		query: []param{qp("last_event_id", "integer", "resume after this id (or the Last-Event-ID header)")}, stream: true}
)
