// The command-line entry (bin/haochaping-terminal.js loads it): every command is in
// src/commands/, which the Electron app hands technicians' command lines to as well.
export { main } from './commands/all.js';
