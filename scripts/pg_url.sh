# Shared by scripts/backup and scripts/restore (sourced, not run): a database URL as the app reads it
# (DATABASE_URL, django-environ's schemes) taken apart for PostgreSQL's own programs.
#
# pg_url_parse URL sets:
#   PG_CONNINFO    the URL for libpq (scheme postgresql://), without its password
#   PG_PASSWORD    the password, percent-decoded ("" if none): passed in PGPASSWORD, never on a command line
#   PG_DBNAME      the database's name, percent-decoded
#   PG_WHERE       host/database for messages (no user, no password)
# pg_url_with_db NAME prints PG_CONNINFO with another database (for the maintenance database and the target).

pg_url_die() {
    echo "$(basename "$0"): $*" >&2
    exit 2
}

pg_url_decode() {
    local s=${1//\\/\\\\}
    printf '%b' "${s//%/\\x}"
}

pg_url_encode() {
    local LC_ALL=C s=$1 out= c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [a-zA-Z0-9._~-]) out+=$c ;;
            *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    printf '%s' "$out"
}

pg_url_parse() {
    local url=$1 re='^(postgres|postgresql|pgsql|psql|postgis)://(([^@/]*)@)?([^/?]*)(/([^?]*))?(\?.*)?$'
    [[ $url =~ $re ]] || pg_url_die "not a PostgreSQL database URL (postgres://user@host:port/name): ${url%%://*}://…"
    local userinfo=${BASH_REMATCH[3]} hostport=${BASH_REMATCH[4]} db=${BASH_REMATCH[6]} query=${BASH_REMATCH[7]}
    local user=${userinfo%%:*}
    PG_PASSWORD=
    if [[ $userinfo == *:* ]]; then
        PG_PASSWORD=$(pg_url_decode "${userinfo#*:}")
    fi
    PG_DBNAME=$(pg_url_decode "$db")
    [ -n "$PG_DBNAME" ] || pg_url_die "the database URL names no database"
    _PG_PREFIX="postgresql://${user:+$user@}$hostport"
    _PG_QUERY=$query
    PG_CONNINFO="$_PG_PREFIX/$db$query"
    PG_WHERE="$(pg_url_decode "${hostport:-localhost}")/$PG_DBNAME"
}

pg_url_with_db() {
    printf '%s/%s%s' "$_PG_PREFIX" "$(pg_url_encode "$1")" "$_PG_QUERY"
}
