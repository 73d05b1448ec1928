// Private module: input validators shared by every construct, one module per Kubernetes value
// type. Each throws a HardenedInputError naming the construct, the field, the value and the fix;
// each returns the value it accepted. No construct re-implements a check.
export { closestName, dns1035Label, DNS1123_SUBDOMAIN, dnsLabel, dnsSubdomain, freeId, isQualifiedName } from './names';
export { labelProblem, labels } from './labels';
export { annotations, annotationsProblem, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES } from './annotations';
export { integer } from './numbers';
export { port, protocol, PROTOCOLS } from './ports';
export { byteQuantity, parseQuantity, quantity, quotaEntry } from './quantities';
export { cidr, exceptBlock } from './network';
export { digestImage, taggedImage } from './images';
export { reason } from './reason';
export { cronSchedule, timeZone } from './cron';
export { absolutePath, mountKey } from './paths';
export { anchoredRegExp, exactSubject, IMAGE_PREFIX, imagePrefix, oidcIssuer, publicKeyPem } from './signatures';
