package diag

import "testing"

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"ndcg", "ndcg", 0}, {"ndgc", "ndcg", 1}, {"nd", "ndcg", 2},
		{"recal", "recall", 1}, {"kitten", "sitting", 3}, {"", "map", 3}, {"titel", "title", 1},
	}
	for _, c := range cases {
		if got := levenshtein(c.a, c.b); got != c.d {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"save_rate", "saves_per_user", "sessions_per_user"}
	for typo, want := range map[string]string{"save_rat": "save_rate", "saves_per_usr": "saves_per_user", "zzz": "", "save_rate": ""} {
		if got := Closest(typo, names); got != want {
			t.Errorf("Closest(%q) = %q, want %q", typo, got, want)
		}
	}
}
