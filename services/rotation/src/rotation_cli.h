/* rotation_cli: fc-rotation's offline subcommands (no database, no network): plan a problem
 * file, check a roster against it, explain an assignment, write the problem as an LP model
 * for an external solver, and generate test problems. */
#ifndef ROTATION_CLI_H
#define ROTATION_CLI_H

/* True if argv[1] names an offline subcommand. */
int rotation_cli_is_command(int argc, char **argv);
/* Runs it; returns the process exit code (0 ok; 1 the roster breaks a hard rule; 2 bad
 * command line or bad input file; 4 internal failure). */
int rotation_cli_main(int argc, char **argv);

#endif
