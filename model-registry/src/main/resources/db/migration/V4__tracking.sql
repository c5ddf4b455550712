-- MLflow's tracking store (the experiments, runs and metrics endpoints under /api/2.0/mlflow/): experiments, runs with
-- their params and tags, every metric point a run reported, and each run's latest value per metric.

create table tracking_experiment (
    id                 bigserial      primary key,
    name               varchar(500)   not null,
    artifact_location  varchar(2048)  not null,
    tags               jsonb          not null default '{}',
    created_at         timestamptz    not null,
    updated_at         timestamptz    not null
);
create unique index tracking_experiment_name on tracking_experiment (name);

-- MLflow's Default experiment (id 0): a run created without an experiment goes there, as on an MLflow server. The
-- sequence starts at 1, so no created experiment takes its id.
insert into tracking_experiment (id, name, artifact_location, created_at, updated_at)
    values (0, 'Default', 'mlflow-artifacts:/0', now(), now());

-- Runs. start_time and end_time are the client's epoch milliseconds, as MLflow keeps them; params never change once
-- logged, tags do.
create table tracking_run (
    run_id         varchar(32)   primary key,
    experiment_id  bigint        not null references tracking_experiment (id),
    run_name       varchar(250)  not null,
    user_id        varchar(256)  not null,
    status         varchar(16)   not null,
    start_time     bigint        not null,
    end_time       bigint,
    artifact_uri   varchar(2200) not null,
    params         jsonb         not null default '{}',
    tags           jsonb         not null default '{}',
    created_at     timestamptz   not null,
    updated_at     timestamptz   not null
);
create index tracking_run_experiment on tracking_run (experiment_id, start_time desc, run_id);

-- Every metric point, appended and never updated or deleted: id grows in the order points were stored, so a reader
-- (the tuning-service, through an outbox event per point written in the same transaction) can follow them. value
-- holds NaN and the infinities as PostgreSQL's double precision does.
create table run_metric (
    id            bigserial         primary key,
    run_id        varchar(32)       not null references tracking_run (run_id),
    metric_key    varchar(250)      not null,
    value         double precision  not null,
    timestamp_ms  bigint            not null,
    step          bigint            not null,
    logged_at     timestamptz       not null
);
-- A point logged twice (a client retrying after a timeout) is stored once, as MLflow does; the same index gives a
-- metric's history in step order.
create unique index run_metric_point on run_metric (run_id, metric_key, step, timestamp_ms, value);

-- Each run's latest point per metric (highest step, then timestamp, then value): what get-run shows and what a run
-- search compares and orders by.
create table run_latest_metric (
    run_id        varchar(32)       not null references tracking_run (run_id),
    metric_key    varchar(250)      not null,
    value         double precision  not null,
    timestamp_ms  bigint            not null,
    step          bigint            not null,
    primary key (run_id, metric_key)
);
