package meetings

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Currencies lists the ISO 4217 codes amounts may be in, in form order:
// the currencies of Europe and its neighbours where peer groups work,
// with how many digits follow the decimal point.
var Currencies = []string{"EUR", "GBP", "CHF", "SEK", "NOK", "DKK", "ISK", "PLN", "CZK", "HUF", "RON", "BGN", "RSD",
	"MKD", "ALL", "BAM", "MDL", "UAH", "GEL", "AMD", "AZN", "RUB", "BYN", "KZT", "TRY", "USD"}

var minorDigits = map[string]int{"ISK": 0}

// ValidCurrency reports whether code is one of Currencies.
func ValidCurrency(code string) bool { return oneOf(code, Currencies) }

func digits(currency string) int {
	if d, ok := minorDigits[currency]; ok {
		return d
	}
	return 2
}

// ParseAmount reads a typed amount ("25", "25.50", "25,50") as minor units
// of currency. Negative amounts and more decimals than the currency has
// are refused.
func ParseAmount(s, currency string) (int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", "."))
	whole, frac, hasFrac := strings.Cut(s, ".")
	d := digits(currency)
	if whole == "" || len(frac) > d || (hasFrac && frac == "") || len(whole) > 9 {
		return 0, errors.New("meetings: not an amount")
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, errors.New("meetings: not an amount")
			}
		}
	}
	n, _ := strconv.ParseInt(whole, 10, 64)
	for range d {
		n *= 10
	}
	if frac != "" {
		f, _ := strconv.ParseInt(frac+strings.Repeat("0", d-len(frac)), 10, 64)
		n += f
	}
	return n, nil
}

// FormatAmount writes minor units as a plain decimal with the currency
// code, e.g. "25.50 EUR"; pages may format it for the reader's language.
func FormatAmount(minor int64, currency string) string {
	return DecimalAmount(minor, currency) + " " + currency
}

// DecimalAmount writes minor units as a plain decimal, e.g. "25.50".
func DecimalAmount(minor int64, currency string) string {
	d := digits(currency)
	if d == 0 {
		return strconv.FormatInt(minor, 10)
	}
	div := int64(1)
	for range d {
		div *= 10
	}
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%d.%0*d", sign, minor/div, d, minor%div)
}
