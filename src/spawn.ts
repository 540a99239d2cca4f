// Kept for existing imports: the launch module (src/launch/) holds spawn, execFile and fork.
export * from './launch/forms.js';
