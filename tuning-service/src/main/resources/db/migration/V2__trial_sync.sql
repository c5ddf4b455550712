-- A trial whose job ended reads its run's metric history once from the MLflow tracking API: points logged before the
-- job ended may arrive on capstan.trial-metrics after the end (the topics are not ordered with each other).
alter table trial add column sync_pending boolean not null default false;
