/* fc_fault: named fault-injection points for the fault tests. When the environment variable
 * FC_FAULT lists a point's name ("consumer.after_commit,outbox.after_commit"), the process
 * kills itself there with SIGKILL, as an operator's kill -9 would at that instant;
 * FC_FAULT_AFTER=N kills on the N-th time an armed point is reached instead of the first. */
#ifndef FC_FAULT_H
#define FC_FAULT_H

/* Dies with SIGKILL if name is armed; otherwise returns at once. */
void fc_fault_point(const char *name);

#endif
