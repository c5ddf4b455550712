-- Tuning experiments as the user submitted them (the request, as JSON) and how far they have got.
create table experiment (
    name          varchar(63)  primary key,
    request       text         not null,
    state         varchar(16)  not null,
    reason        text,
    created_at    timestamptz  not null,
    ended_at      timestamptz,
    -- the best trial registered as a model version (when the request names a model): pending until done
    model_pending boolean      not null default false,
    model_version integer,
    model_error   text
);

-- One configuration tried. A trial runs as one or more workloads (a paused trial resumes as a new one); the
-- current one is workload_id, and a workload to cancel waits in cancel_workload until submission-service took it.
create table trial (
    experiment       varchar(63)      not null references experiment (name),
    number           integer          not null,
    trial_id         varchar(80)      not null unique,
    configuration    text             not null,
    planned_steps    bigint           not null default 0,
    state            varchar(16)      not null,
    reason           text,
    runs             integer          not null default 0,
    workload_id      varchar(64),
    submit_pending   boolean          not null default false,
    cancel_workload  varchar(64),
    mlflow_run_id    varchar(64),
    gpus             double precision not null,
    run_started_at   timestamptz,
    cost_before      double precision not null default 0,
    -- [[step, cost (GPU-seconds), value], ...] in step order
    reports          text             not null default '[]',
    created_at       timestamptz      not null,
    updated_at       timestamptz      not null,
    primary key (experiment, number)
);
create index trial_workload on trial (workload_id);
create index trial_pending on trial (experiment) where submit_pending or cancel_workload is not null;
