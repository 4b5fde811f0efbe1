/** The real CLI release whose behaviour this build reproduces (`aliyun version` prints it, the User-Agent carries it). */
export const CLI_VERSION = '3.4.11';
