import './styles/main.css';
import { mount } from './mount';
import { EmbedChat, embedChatMode } from './page/EmbedChat';

const mode = embedChatMode(location.pathname);
// Transparent page for OBS browser sources (see .readonly-chat-page in main.css).
document.documentElement.classList.add(mode === 'readonly' ? 'readonly-chat-page' : 'readwrite-chat-page');
mount(<EmbedChat mode={mode} />);
