-- MLflow's create-model-version takes a run_link (a URL to the run that produced the version) and every read returns
-- it; Capstan keeps it so that what an MLflow client writes reads back unchanged. Null for versions registered
-- otherwise.
alter table model_version add column run_link varchar(2048);
