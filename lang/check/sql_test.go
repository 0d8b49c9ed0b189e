package check

import "testing"

func TestSQLProblem(t *testing.T) {
	for _, c := range []struct {
		sql string
		ok  bool
	}{
		{"select user_id, ts from raw.sessions where not is_bot", true},
		{"  -- a comment\n  WITH a AS (select 1 AS x) SELECT * FROM a", true},
		{"(select 1)", true},
		{"select 'it''s' as name, \"a b\" from t", true},
		{"select updated_at, deleted from t", true},
		{"select * from t; select 1", false},
		{"select ';' as x", false},
		{"select 1) union all (select 2", false},
		{"select (1", false},
		{"COPY (SELECT 1) TO 'x'", false},
		{"ATTACH 'x.db'", false},
		{"INSTALL httpfs", false},
		{"SET threads = 1", false},
		{"PRAGMA version", false},
		{"with x as (delete from t returning *) select * from x", false},
		{"with x as (insert into t values (1) returning *) select * from x", false},
		{"select 1 /* unterminated", false},
		{"select 'unterminated", false},
		{"", false},
		{"'select'", false},
	} {
		got := SQLProblem(c.sql)
		if (got == "") != c.ok {
			t.Errorf("SQLProblem(%q) = %q, want ok = %v", c.sql, got, c.ok)
		}
	}
}
