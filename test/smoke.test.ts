import { Sandbox } from './helpers.js';

test('aliyun version prints the reproduced CLI release', async () => {
  const sb = new Sandbox();
  const r = await sb.run('version');
  expect(r).toEqual({ code: 0, stdout: '3.4.11\n', stderr: '' });
  sb.cleanup();
});
