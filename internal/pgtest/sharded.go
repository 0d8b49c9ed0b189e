package pgtest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Sharded is a coordinator with shards: throwaway servers on this
// machine, the coordinator reaching each shard through postgres_fdw as the
// foreign server shard<i>. Tables made by Table are hash-partitioned by a
// key column, every partition a foreign table stored on one shard, so the
// coordinator scatters a query to the shards and gathers (and finishes)
// what comes back; postgres_fdw pushes to a shard the filters, joins and
// aggregates it can ship (built-in immutable functions only).
type Sharded struct {
	Coordinator *Server
	Shards      []*Server
	// BatchSize is postgres_fdw's batch_size on every shard: rows sent per
	// INSERT when rows are routed to the shards.
	BatchSize int
}

// StartSharded starts a coordinator and n shards. On the coordinator it
// creates the postgres_fdw extension and a foreign server per shard with
// async_capable (the shards' scans of one Append run concurrently) and
// batch_size, a user mapping for postgres, and turns on partitionwise
// aggregation and joins for the database (ALTER DATABASE: every later
// session has them, as a client of such a cluster would set them).
func StartSharded(t testing.TB, n int) *Sharded {
	t.Helper()
	c := &Sharded{Coordinator: StartServer(t), BatchSize: 1000}
	for i := 0; i < n; i++ {
		c.Shards = append(c.Shards, StartServer(t))
	}
	stmts := []string{"CREATE EXTENSION postgres_fdw"}
	for i, s := range c.Shards {
		stmts = append(stmts,
			fmt.Sprintf("CREATE SERVER shard%d FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '%d', dbname 'postgres', async_capable 'true', batch_size '%d', fetch_size '10000')", i, s.Port, c.BatchSize),
			fmt.Sprintf("CREATE USER MAPPING FOR postgres SERVER shard%d OPTIONS (user 'postgres')", i))
	}
	stmts = append(stmts,
		"ALTER DATABASE postgres SET enable_partitionwise_aggregate = on",
		"ALTER DATABASE postgres SET enable_partitionwise_join = on")
	c.Exec(t, c.Coordinator, stmts...)
	return c
}

// Exec runs statements on one server, each in its own round trip.
func (c *Sharded) Exec(t testing.TB, s *Server, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := conn.Close(ctx); err != nil {
			t.Error(err)
		}
	}()
	for _, stmt := range stmts {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// Table creates schema.name on the coordinator (the schema must exist
// there and on the shards), hash-partitioned by key into one foreign table
// per shard, schema.name_p<i>, whose rows are stored in the table of the
// same name on shard i. columns are column definitions ("user_id text").
func (c *Sharded) Table(t testing.TB, schema, name, key string, columns []string) {
	t.Helper()
	cols := strings.Join(columns, ", ")
	c.Exec(t, c.Coordinator, fmt.Sprintf("CREATE TABLE %s.%s (%s) PARTITION BY HASH (%s)", schema, name, cols, key))
	for i, s := range c.Shards {
		part := fmt.Sprintf("%s_p%d", name, i)
		c.Exec(t, s, fmt.Sprintf("CREATE TABLE %s.%s (%s)", schema, part, cols))
		c.Exec(t, c.Coordinator, fmt.Sprintf(
			"CREATE FOREIGN TABLE %s.%s PARTITION OF %s.%s FOR VALUES WITH (MODULUS %d, REMAINDER %d) SERVER shard%d OPTIONS (schema_name '%s', table_name '%s')",
			schema, part, schema, name, len(c.Shards), i, i, schema, part))
	}
}

// Schema creates a schema on the coordinator and on every shard.
func (c *Sharded) Schema(t testing.TB, name string) {
	t.Helper()
	for _, s := range append([]*Server{c.Coordinator}, c.Shards...) {
		c.Exec(t, s, "CREATE SCHEMA "+name)
	}
}
