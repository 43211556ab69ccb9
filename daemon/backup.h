/*
 * backup (daemon): `ekonet backup FILE` while the node runs. The node copies its store into
 * FILE (lib/backup.c) on a thread of its own; the CLI starts the job and asks how it goes
 * through the local API (api_backup).
 */
#ifndef EKONETD_BACKUP_H
#define EKONETD_BACKUP_H

struct node;

/* Stops a running backup (its temporary file is removed), waits for its thread and frees the
   node's last job. */
void backup_job_end(struct node *n);

#endif
