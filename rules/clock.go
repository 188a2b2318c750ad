package rules

import "time"

// Now returns the moment the rules treat as the present. Some AKS facts are
// dated (a retirement, the day an enforcement started), so a few rules grade
// their findings by comparing such a date with Now: a retirement years away
// is an info, one that has passed is an error. The CLI may replace Now to pin
// a reproducible date, and tests replace it and restore it afterwards. Rules
// call Now, never time.Now.
var Now = func() time.Time { return time.Now() }

// egDate returns midnight UTC of a calendar day.
func egDate(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
}

// egReached reports whether the day has come (Now is on or after it).
func egReached(day time.Time) bool { return !Now().Before(day) }

// egDay formats a day as 2006-01-02.
func egDay(t time.Time) string { return t.Format(time.DateOnly) }

// egUntil describes how far a future day is from Now: "in 14 days",
// "in about 16 months".
func egUntil(day time.Time) string {
	days := int(day.Sub(Now()).Hours() / 24)
	switch {
	case days <= 0:
		return "today"
	case days == 1:
		return "tomorrow"
	case days < 60:
		return "in " + egNum(days) + " days"
	}
	return "in about " + egNum((days+15)/30) + " months"
}
