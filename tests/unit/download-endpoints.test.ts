import { describe, expect, it } from 'vitest';
import { matchDownload } from '@/server/http/download-endpoints';

// Which requests the web process answers as downloads before Next: exactly the two download
// routes, GET and HEAD, with their path segments decoded as Next decodes params.

describe('matchDownload', () => {
  it.each([
    ['GET', '/api/v1/tasks/t1/files/f1', ['t1', 'f1']],
    ['HEAD', '/api/v1/tasks/t1/files/f1', ['t1', 'f1']],
    ['GET', '/api/v1/tasks/t1/result', ['t1']],
    ['HEAD', '/api/v1/tasks/t%201/result', ['t 1']],
    ['GET', '/api/v1/tasks/a%2Fb/files/c', ['a/b', 'c']],
  ])('%s %s → %j', (method, path, segments) => {
    expect(matchDownload(method, path)?.segments).toEqual(segments);
  });

  it.each([
    ['POST', '/api/v1/tasks/t1/result'],
    ['DELETE', '/api/v1/tasks/t1/files/f1'],
    ['OPTIONS', '/api/v1/tasks/t1/files/f1'],
    [undefined, '/api/v1/tasks/t1/result'],
    ['GET', '/api/v1/tasks/t1/files'],
    ['GET', '/api/v1/tasks/t1/files/f1/'],
    ['GET', '/api/v1/tasks/t1/files/f1/more'],
    ['GET', '/api/v1/tasks//result'],
    ['GET', '/api/v1/tasks/t1/result/'],
    ['GET', '/api/v1/tasks/t1'],
    ['GET', '/api/v2/tasks/t1/result'],
    // A malformed escape is left to Next, which answers it like any other bad path.
    ['GET', '/api/v1/tasks/%E0%A4%A/result'],
  ])('%s %s is left to Next', (method, path) => {
    expect(matchDownload(method, path)).toBeNull();
  });
});
