-- Registered models. A deleted model keeps its rows (history and audit stay readable); its name is free again.
create table registered_model (
    id           bigserial     primary key,
    name         varchar(128)  not null,
    description  text,
    queue        varchar(40),
    tags         jsonb         not null default '{}',
    next_version integer       not null default 1,
    created_by   varchar(200)  not null,
    created_at   timestamptz   not null,
    updated_at   timestamptz   not null,
    deleted_at   timestamptz
);
create unique index registered_model_live_name on registered_model (name) where deleted_at is null;
create index registered_model_name_pattern on registered_model (name varchar_pattern_ops) where deleted_at is null;

-- Immutable versions: only description, tags and status change after registration.
create table model_version (
    model_id            bigint        not null references registered_model (id),
    version             integer       not null,
    artifact_uri        varchar(2048) not null,
    sha256              varchar(64),
    format              varchar(64),
    params              jsonb         not null default '{}',
    metrics             jsonb         not null default '{}',
    tags                jsonb         not null default '{}',
    description         text,
    source_workload_id  varchar(64),
    source_attempt      integer,
    run_id              varchar(64),
    status              varchar(16)   not null,
    created_by          varchar(200)  not null,
    created_at          timestamptz   not null,
    updated_at          timestamptz   not null,
    deleted_at          timestamptz,
    primary key (model_id, version)
);
-- A training job's output is registered once, however often its events are replayed.
create unique index model_version_source on model_version (model_id, source_workload_id)
    where source_workload_id is not null;
create index model_version_run on model_version (run_id) where run_id is not null;

-- Where each alias points now; revision grows with every move (the ETag).
create table model_alias (
    model_id   bigint       not null references registered_model (id),
    alias      varchar(63)  not null,
    version    integer      not null,
    revision   bigint       not null,
    moved_at   timestamptz  not null,
    primary key (model_id, alias)
);

-- Every move of every alias, never updated or deleted.
create table alias_move (
    id            bigserial     primary key,
    model_id      bigint        not null references registered_model (id),
    alias         varchar(63)   not null,
    from_version  integer,
    to_version    integer,
    kind          varchar(16)   not null,
    actor         varchar(200)  not null,
    reason        text,
    cause         varchar(200),
    at            timestamptz   not null
);
create index alias_move_at on alias_move (model_id, alias, at desc, id desc);

-- Every mutation of a model, its versions and aliases: who, what, when, before and after.
create table audit_entry (
    id          bigserial     primary key,
    model_id    bigint        not null references registered_model (id),
    model_name  varchar(128)  not null,
    actor       varchar(200)  not null,
    action      varchar(40)   not null,
    target      varchar(200)  not null,
    before      jsonb,
    after       jsonb,
    at          timestamptz   not null
);
create index audit_entry_model on audit_entry (model_id, id desc);

-- Training jobs that declared an output, waiting for their outcome.
create table declared_output (
    workload_id   varchar(64)   primary key,
    model         varchar(128)  not null,
    artifact_uri  varchar(2048) not null,
    format        varchar(64),
    queue         varchar(40),
    declared_at   timestamptz   not null
);

-- Events written in the same transaction as the state change; the relay publishes then deletes them.
create table outbox (
    id         bigserial    primary key,
    topic      varchar(200) not null,
    event_key  varchar(200) not null,
    event_id   varchar(64)  not null,
    event_type varchar(200) not null,
    payload    text         not null,
    created_at timestamptz  not null
);

-- Consumer idempotency: the CloudEvents id of every event applied, recorded in the same transaction.
create table processed_event (
    event_id     varchar(64) primary key,
    processed_at timestamptz not null
);
