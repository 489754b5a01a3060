// Package langs lists the languages a group or an organisation can say it
// works in. They are stored as ISO 639-1 codes, so the directory can count
// and filter them whatever language a reader uses, and shown by each
// language's own name for itself, which every reader of it recognises.
package langs

// Codes lists the languages in the order forms show them: Involve's
// interface languages first, then the other languages of Europe and its
// neighbours that peer groups work in.
var Codes = []string{
	"en", "nl", "ru",
	"bg", "cs", "da", "de", "el", "es", "et", "fi", "fr", "hr", "hu", "it",
	"lt", "lv", "pl", "pt", "ro", "sk", "sl", "sr", "sv", "tr", "uk", "ar", "fa",
}

var names = map[string]string{
	"en": "English", "nl": "Nederlands", "ru": "Русский",
	"bg": "Български", "cs": "Čeština", "da": "Dansk", "de": "Deutsch", "el": "Ελληνικά", "es": "Español",
	"et": "Eesti", "fi": "Suomi", "fr": "Français", "hr": "Hrvatski", "hu": "Magyar", "it": "Italiano",
	"lt": "Lietuvių", "lv": "Latviešu", "pl": "Polski", "pt": "Português", "ro": "Română", "sk": "Slovenčina",
	"sl": "Slovenščina", "sr": "Srpski", "sv": "Svenska", "tr": "Türkçe", "uk": "Українська", "ar": "العربية", "fa": "فارسی",
}

// rtl holds the languages written right to left.
var rtl = map[string]bool{"ar": true, "fa": true}

// Valid reports whether code is one of Codes.
func Valid(code string) bool {
	_, ok := names[code]
	return ok
}

// Name returns a language's own name for itself, or the code when it is
// not one of ours (data from before the list, say).
func Name(code string) string {
	if n, ok := names[code]; ok {
		return n
	}
	return code
}

// Dir returns the writing direction of a language, for the dir attribute.
func Dir(code string) string {
	if rtl[code] {
		return "rtl"
	}
	return "ltr"
}
