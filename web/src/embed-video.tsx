import './styles/main.css';
import { mount } from './mount';
import { EmbedVideo } from './page/EmbedVideo';

mount(<EmbedVideo />);
