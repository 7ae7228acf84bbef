package validate

// Field is a form value and whether it was sent at all (until the refactor's
// own lands: delete this file on rebase).
type Field struct {
	Value string
	Sent  bool
}
