// exit3: prints to stdout and stderr, then exits with status 3 through
// process.exit (proc_exit) from a nested call.

function finish(status: i32): void {
  console.log("exiting with status " + status.toString());
  process.exit(status);
}

console.log("exit3: about to exit");
process.stderr.write("exit3: this goes to stderr\n");
finish(3);
console.log("not reached");
