// Every admin page: its URL (Owncast's, reference §2.2; ours where Owncast has none), menu entry and
// component. `src/ownstream/api/routes/admin_pages.py` keeps the same list for the server; a browser
// test visits every URL the server lists and fails on a page this table does not know.

import type { FunctionComponent } from 'preact';
import { AccessTokens } from './pages/AccessTokens';
import { ChatConfig } from './pages/ChatConfig';
import { ChatMessages } from './pages/ChatMessages';
import { ChatUsers } from './pages/ChatUsers';
import { ExternalActions } from './pages/ExternalActions';
import { Federation } from './pages/Federation';
import { Followers } from './pages/Followers';
import { General } from './pages/General';
import { Hardware } from './pages/Hardware';
import { Help } from './pages/Help';
import { Home } from './pages/Home';
import { Logs } from './pages/Logs';
import { Notifications } from './pages/Notifications';
import { ServerSetup } from './pages/ServerSetup';
import { Simulcast } from './pages/Simulcast';
import { SocialActions } from './pages/SocialActions';
import { Storage } from './pages/Storage';
import { StreamHealth } from './pages/StreamHealth';
import { Video } from './pages/Video';
import { Viewers } from './pages/Viewers';
import { Webhooks } from './pages/Webhooks';
import { Appearance } from './pages/Appearance';
import { Clips } from './pages/Clips';
import { Replays } from './pages/Replays';
import { Schedule } from './pages/Schedule';

export interface RouteDef {
  path: string;
  /** The page's <h1> and document title. */
  title: string;
  /** The menu entry. */
  nav: string;
  icon: string;
  component: FunctionComponent;
}

export interface NavGroup {
  title: string;
  routes: RouteDef[];
}

const route = (path: string, nav: string, icon: string, component: FunctionComponent, title = nav): RouteDef => ({
  path,
  nav,
  icon,
  component,
  title,
});

export const NAV_GROUPS: NavGroup[] = [
  {
    title: '',
    routes: [
      route('/admin/', 'Home', 'home', Home),
      route('/admin/viewer-info/', 'Viewers', 'eye', Viewers),
      // Ours (issue 13): the recorded streams and the clips cut from them.
      route('/admin/replays/', 'Replays', 'video', Replays),
      route('/admin/clips/', 'Clips', 'video', Clips),
    ],
  },
  {
    title: 'Chat & Users',
    routes: [
      route('/admin/chat/messages', 'Messages', 'message', ChatMessages, 'Chat messages'),
      route('/admin/chat/users/', 'Users', 'users', ChatUsers, 'Chat users'),
      route('/admin/federation/followers/', 'Followers', 'heart', Followers),
    ],
  },
  {
    title: 'Configuration',
    routes: [
      route('/admin/config/general/', 'General', 'sliders', General, 'General settings'),
      route('/admin/config/appearance/', 'Appearance', 'sliders', Appearance),
      route('/admin/config/server/', 'Server Setup', 'server', ServerSetup, 'Server setup'),
      route('/admin/config-video', 'Video', 'video', Video, 'Video settings'),
      route('/admin/config-chat/', 'Chat', 'chat', ChatConfig, 'Chat settings'),
      route('/admin/config-federation/', 'Social', 'share', Federation, 'Social (Fediverse) settings'),
      route('/admin/config-notify', 'Notifications', 'bell', Notifications),
      route('/admin/schedule/', 'Schedule', 'calendar', Schedule),
      route('/admin/config/storage/', 'S3 Storage', 'cloud', Storage, 'S3 storage'),
    ],
  },
  {
    title: 'Utilities',
    routes: [
      route('/admin/hardware-info/', 'Hardware', 'chip', Hardware, 'Hardware use'),
      route('/admin/stream-health', 'Stream Health', 'pulse', StreamHealth, 'Stream health'),
      route('/admin/logs/', 'Logs', 'list', Logs),
      route('/admin/federation/actions/', 'Social Actions', 'repeat', SocialActions, 'Social actions'),
    ],
  },
  {
    title: 'Integrations',
    routes: [
      route('/admin/simulcast/', 'Simulcast', 'share', Simulcast),
      route('/admin/webhooks/', 'Webhooks', 'link', Webhooks),
      route('/admin/access-tokens/', 'Access Tokens', 'key', AccessTokens, 'Access tokens'),
      route('/admin/actions/', 'External Actions', 'external', ExternalActions, 'External actions'),
    ],
  },
  { title: '', routes: [route('/admin/help/', 'Help', 'help', Help)] },
];

export const ROUTES: RouteDef[] = NAV_GROUPS.flatMap((group) => group.routes);
