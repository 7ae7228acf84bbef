package ports

// WeChatLogins is E29 and E30.
type WeChatLogins interface{}

// CardVisits is the card as customers see it: E42–E46, A8, A9, action/record.
type CardVisits interface{}

// CardEditor is the card as its owner edits it: A6, A7, E48–E53.
type CardEditor interface{}

// Radar is E31–E33, E47 and A5.
type Radar interface{}
