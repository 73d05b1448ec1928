// Private module: input validators shared by every construct, one module per Kubernetes value
// type. Each throws a HardenedInputError naming the construct, the field, the value and the fix;
// each returns the value it accepted. No construct re-implements a check.
export * from './names';
export * from './labels';
export * from './annotations';
export * from './numbers';
export * from './ports';
export * from './quantities';
export * from './network';
export * from './images';
export * from './reason';
export * from './cron';
export * from './paths';
