import { strict as assert } from "assert";
import { NAMED_QUERIES, NamedQuery, QueryParameterError, UnknownNamedQueryError, bindParameters, findNamedQuery } from "../../shared/lakeQueries";

describe("shared/lakeQueries", () => {
    it("has unique keys and Athena names, and reads the alerts table's raw health scores", () => {
        assert.equal(new Set(NAMED_QUERIES.map((query) => query.key)).size, NAMED_QUERIES.length);
        assert.equal(new Set(NAMED_QUERIES.map((query) => query.title)).size, NAMED_QUERIES.length);
        for (const query of NAMED_QUERIES) {
            assert.match(query.sql, /FROM alerts\b/);
            assert.match(query.sql, /metric = 'health_score'\s+AND source = 'raw'/, `${query.key} must leave out day_over_day changes`);
            assert.ok(query.description.length <= 1024, "Athena's limit on a named query's description");
        }
    });

    it("saves SQL that runs as is: every parameter's default sits before its marker", () => {
        for (const query of NAMED_QUERIES) {
            for (const parameter of query.parameters) {
                assert.ok(query.sql.includes(`${parameter.default} /* @${parameter.name} */`), `${query.key}.${parameter.name}`);
            }
            assert.equal(bindParameters(query), query.sql, "binding nothing keeps the saved text");
        }
    });

    it("binds whole numbers in place of the defaults", () => {
        const trend = findNamedQuery("trend");
        const sql = bindParameters(trend, { subaccount_id: 17 });
        assert.match(sql, /AND subaccount_id = 17 \/\* @subaccount_id \*\//);
        assert.equal(sql.replace("17 /* @subaccount_id */", "0 /* @subaccount_id */"), trend.sql);
        assert.match(bindParameters(trend, { subaccount_id: "-1" }), /subaccount_id = -1 \/\*/);
        assert.match(bindParameters(findNamedQuery("drops"), { limit: " 5 " }), /LIMIT 5 \/\* @limit \*\/$/);
    });

    it("refuses values that are not whole numbers in range, so nothing but digits reaches the SQL", () => {
        const trend = findNamedQuery("trend");
        for (const bad of ["17 OR 1=1", "1e3", "0x11", "", "17.5", "99999999999999999", "-2"]) {
            assert.throws(() => bindParameters(trend, { subaccount_id: bad }), QueryParameterError, bad);
        }
        assert.throws(() => bindParameters(findNamedQuery("drops"), { limit: 0 }), /limit must be at least 1/);
    });

    it("refuses parameters a query does not take", () => {
        assert.throws(() => bindParameters(findNamedQuery("latest"), { subaccount_id: 1 }), /the latest query has no parameter "subaccount_id": it takes no parameters/);
        assert.throws(() => bindParameters(findNamedQuery("trend"), { days: 7 }), /it takes subaccount_id/);
        assert.doesNotThrow(() => bindParameters(findNamedQuery("latest"), { subaccount_id: undefined }));
    });

    it("fails loudly when a query's text lost its marker", () => {
        const broken: NamedQuery = { ...findNamedQuery("trend"), sql: "SELECT 1" };
        assert.throws(() => bindParameters(broken, { subaccount_id: 1 }), /must hold exactly one "<default> \/\* @subaccount_id \*\/"/);
    });

    it("names the choices for an unknown query", () => {
        assert.throws(() => findNamedQuery("nope"), (err: Error) => err instanceof UnknownNamedQueryError && /latest, trend, bands, drops, daily/.test(err.message));
    });
});
