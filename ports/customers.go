package ports

// CustomerDesk is E05–E08, E39–E41 and A2–A3 (customers and their profile).
type CustomerDesk interface{}

// TagDesk is E20–E24 (customer tags).
type TagDesk interface{}

// FollowUpDesk is E34–E38 and A4 (address book, phrases, follow-up notes).
type FollowUpDesk interface{}
