namespace Bottleneck.Tests;

/// <summary>
/// A test that needs a real PostgreSQL server: it runs when $BOTTLENECK_TEST_POSTGRES names a database its user owns
/// and $BOTTLENECK_TEST_POSTGRES_ADMIN a superuser's (as .ci/postgres.sh's throwaway cluster sets them), and is
/// reported as skipped, never as passed, otherwise.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestPostgres.Url is null || TestPostgres.AdminUrl is null)
            Skip = "PostgreSQL not configured (source .ci/postgres.sh; pg_throwaway_start sets BOTTLENECK_TEST_POSTGRES)";
    }
}
